using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Isocenter.Testing;

namespace Isocenter.Render.Tests;

/// <summary>The render service behind the gateway, as a browser reaches it: images and the WebSocket session, as the authenticated user.</summary>
[Collection(RenderCollection.Name)]
public sealed partial class GatewayRenderTests(RenderArchive archive) : IAsyncLifetime
{
    private readonly string _apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private ServiceProcess _gateway = null!;

    public async Task InitializeAsync() => _gateway = await ServiceProcess.StartAsync("gateway/Isocenter.Gateway", new Dictionary<string, string>
    {
        ["Gateway:ApiKeys:0:Name"] = "render-tests",
        ["Gateway:ApiKeys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(_apiKey))),
        ["Gateway:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        ["ReverseProxy:Clusters:render:Destinations:render:Address"] = archive.Render.BaseAddress.ToString(),
    });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Volume_ThroughTheGateway_Jpeg()
    {
        using var client = new HttpClient { BaseAddress = _gateway.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", _apiKey);

        using var response = await client.GetAsync(new Uri($"render/studies/{archive.Study}/series/{archive.Series[0].Uid}/volume?size=64x64", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((64, 64, 3), RenderServiceTests.Size(Djpeg.Decode(await response.Content.ReadAsByteArrayAsync())));
    }

    [Fact]
    public async Task Session_ThroughTheGateway_FramesForTheAuthenticatedUser()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", _apiKey);
        socket.Options.SetRequestHeader("X-Isocenter-User", "mallory"); // replaced by the gateway
        var uri = new UriBuilder(new Uri(_gateway.BaseAddress, $"render/studies/{archive.Study}/series/{archive.Series[0].Uid}/session")) { Scheme = "ws" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, timeout.Token);

        await socket.SendAsync(Encoding.UTF8.GetBytes("kind=mpr&size=48x48&seq=1"), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var buffer = new byte[65536];
        var header = await socket.ReceiveAsync(buffer, timeout.Token);
        var text = Encoding.UTF8.GetString(buffer, 0, header.Count);
        var image = await socket.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal(WebSocketMessageType.Text, header.MessageType);
        Assert.Contains("\"seq\":1", text, StringComparison.Ordinal);
        Assert.Equal(WebSocketMessageType.Binary, image.MessageType);
        await archive.Render.WaitForLogAsync(SessionOfTheKey(), TimeSpan.FromSeconds(10));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [GeneratedRegex("Session of render-tests on series")]
    private static partial Regex SessionOfTheKey();
}
