using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Isocenter.Gateway.Tests;

/// <summary>The `token` verb that dev.sh runs to print a working development token.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DevelopmentTokenTests(GatewayFixture gateway)
{
    [Fact]
    public async Task TokenVerb_SameKey_TokenAcceptedByGateway()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Isocenter.Gateway.dll"), "token", "--user", "dev-cli", "--minutes", "5" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["Gateway__Auth__SigningKey"] = gateway.Auth.SigningKey;
        using var process = Process.Start(start)!;
        var token = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());

        using var response = await gateway.GetAsync("/dicomweb/studies", new AuthenticationHeaderValue("Bearer", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(gateway.Log.Entries, e => e.Category == "Isocenter.Audit" && e.Values["User"] == "dev-cli");
    }
}
