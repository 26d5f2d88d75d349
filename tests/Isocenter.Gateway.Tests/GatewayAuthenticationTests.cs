using System.Net;
using System.Net.Http.Headers;
using Isocenter.Gateway.Auth;

namespace Isocenter.Gateway.Tests;

/// <summary>Closed by default: no request without valid credentials reaches a backend, on every route (issue 6 acceptance).</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayAuthenticationTests(GatewayFixture gateway)
{
    private static readonly string[] Routes = ["/dicomweb/studies", "/render/studies/1.2.3/series/1.2.3.4/rendered", "/api/worklists"];

    /// <summary>One path per proxied route.</summary>
    public static TheoryData<string> ProxiedRoutes => [.. Routes];

    public static TheoryData<string> StaticFiles => ["/", "/app.js", "/worklist"];

    public static TheoryData<string, string> InvalidTokens()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in Routes)
        {
            foreach (var invalid in new[] { "expired", "not yet valid", "wrong audience", "wrong issuer", "wrong signature", "garbage" })
            {
                data.Add(route, invalid);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ProxiedRoutes))]
    public async Task Proxy_NoCredentials_401AndBackendReceivesNothing(string route)
    {
        var marker = Guid.NewGuid().ToString("N");

        using var response = await gateway.GetAsync($"{route}?probe={marker}", authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
        Assert.Empty(gateway.ReceivedWith(marker));
    }

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task Proxy_InvalidToken_401AndBackendReceivesNothing(string route, string invalid)
    {
        var marker = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var token = invalid switch
        {
            "expired" => DevelopmentTokens.Mint(gateway.Auth, "mallory", now.AddHours(-2), TimeSpan.FromHours(1)),
            "not yet valid" => DevelopmentTokens.Mint(gateway.Auth, "mallory", now.AddHours(1), TimeSpan.FromHours(1)),
            "wrong audience" => DevelopmentTokens.Mint(gateway.Auth with { Audience = "another-service" }, "mallory", now, TimeSpan.FromHours(1)),
            "wrong issuer" => DevelopmentTokens.Mint(gateway.Auth with { Issuer = "someone-else" }, "mallory", now, TimeSpan.FromHours(1)),
            "wrong signature" => DevelopmentTokens.Mint(gateway.Auth with { SigningKey = Convert.ToBase64String(new byte[48]) }, "mallory", now, TimeSpan.FromHours(1)),
            _ => "not.a.token",
        };

        using var response = await gateway.GetAsync($"{route}?probe={marker}", new AuthenticationHeaderValue("Bearer", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(gateway.ReceivedWith(marker));
    }

    [Theory]
    [MemberData(nameof(ProxiedRoutes))]
    public async Task Proxy_ValidToken_ForwardedWithForwardedHeadersAndTraceContext(string route)
    {
        var marker = Guid.NewGuid().ToString("N");
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        using var response = await gateway.GetAsUserAsync($"{route}?probe={marker}", "alice", ("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"),
            ("X-Isocenter-User", "mallory"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (backend, received) = Assert.Single(gateway.ReceivedWith(marker));
        Assert.Equal(await response.Content.ReadAsStringAsync(), backend.Name);
        Assert.StartsWith(route, received.PathAndQuery, StringComparison.Ordinal); // no path transform
        Assert.StartsWith("Bearer ", received.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal("alice", received.Headers["X-Isocenter-User"]); // the token's subject, never the client's claim
        Assert.Equal("127.0.0.1", received.Headers["X-Forwarded-For"]);
        Assert.Equal("http", received.Headers["X-Forwarded-Proto"]);
        Assert.Equal(gateway.Client.BaseAddress!.Authority, received.Headers["X-Forwarded-Host"]);
        // The trace goes on across the hop: the same trace id, the gateway's span as parent.
        var traceparent = received.Headers["traceparent"].Split('-');
        Assert.Equal(traceId, traceparent[1]);
        Assert.NotEqual("00f067aa0ba902b7", traceparent[2]);
    }

    [Theory]
    [MemberData(nameof(ProxiedRoutes))]
    public async Task Proxy_ValidApiKey_ForwardedInEitherHeaderWithoutTheKey(string route)
    {
        var marker = Guid.NewGuid().ToString("N");

        using var header = await gateway.GetAsync($"{route}?probe={marker}", authorization: null, (ApiKeyAuthenticationHandler.Header, GatewayFixture.ApiKey));
        using var authorization = await gateway.GetAsync($"{route}?probe={marker}", new AuthenticationHeaderValue("ApiKey", GatewayFixture.ApiKey));

        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorization.StatusCode);
        var received = gateway.ReceivedWith(marker);
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.False(r.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) || r.Request.Headers.ContainsKey("Authorization")));
        Assert.All(received, r => Assert.Equal(GatewayFixture.ApiKeyName, r.Request.Headers["X-Isocenter-User"]));
    }

    [Theory]
    [MemberData(nameof(ProxiedRoutes))]
    public async Task Proxy_WrongApiKey_401AndBackendReceivesNothing(string route)
    {
        var marker = Guid.NewGuid().ToString("N");

        using var header = await gateway.GetAsync($"{route}?probe={marker}", authorization: null, (ApiKeyAuthenticationHandler.Header, GatewayFixture.ApiKey + "x"));
        using var authorization = await gateway.GetAsync($"{route}?probe={marker}", new AuthenticationHeaderValue("ApiKey", "guessed"));

        Assert.Equal(HttpStatusCode.Unauthorized, header.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, authorization.StatusCode);
        Assert.Empty(gateway.ReceivedWith(marker));
    }

    [Theory]
    [MemberData(nameof(StaticFiles))]
    public async Task WebViewer_NoCredentials_401(string path)
    {
        using var response = await gateway.GetAsync(path, authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("viewer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", "<title>viewer</title>")]
    [InlineData("/app.js", "console.log('viewer');")]
    [InlineData("/worklist", "<title>viewer</title>")] // the viewer's own routes get index.html
    public async Task WebViewer_ValidToken_Served(string path, string content)
    {
        using var response = await gateway.GetAsUserAsync(path, "alice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(content, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/metrics")]
    public async Task HealthEndpoints_NoCredentials_Open(string path)
    {
        using var response = await gateway.GetAsync(path, authorization: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
