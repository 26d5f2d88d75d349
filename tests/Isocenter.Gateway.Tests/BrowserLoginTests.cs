using System.Net;
using System.Net.Http.Headers;
using Isocenter.Gateway.Audit;
using Isocenter.Gateway.Auth;
using Isocenter.Gateway.Login;

namespace Isocenter.Gateway.Tests;

/// <summary>The browser's login (issue 8): the open login page, the session cookie it sets, and what that cookie opens.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BrowserLoginTests(GatewayFixture gateway) : IDisposable
{
    // A browser's view without its conveniences: redirects and cookies are looked at, not followed or kept.
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = gateway.Client.BaseAddress,
    };

    [Fact]
    public async Task GetLogin_NoCredentials_OpenHtmlForm()
    {
        using var response = await _browser.GetAsync("/login?return=%2Fviewer%3FStudyInstanceUID%3D1.2%26x%3D%22");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"token\" name=\"token\"", html, StringComparison.Ordinal);
        Assert.Contains("""<button type="submit">""", html, StringComparison.Ordinal);
        Assert.Contains(".dev/token", html, StringComparison.Ordinal);
        Assert.Contains("""name="return" value="/viewer?StudyInstanceUID=1.2&amp;x=&quot;">""", html, StringComparison.Ordinal); // encoded
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetLogin_WithSession_303ToReturn()
    {
        using var response = await GetWithCookieAsync("/login?return=%2Fviewer%3FStudyInstanceUID%3D1.2", $"{BrowserLogin.CookieName}={gateway.Token("alice")}");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/viewer?StudyInstanceUID=1.2", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task GetLogin_FromAnotherSite_ReloadsItselfFromHere()
    {
        // A link in the PACS: the browser leaves the SameSite=Strict cookie out, so the page reloads itself as a same-site navigation.
        using var response = await GetWithCookieAsync("/login?return=%2Fviewer%3FStudyInstanceUID%3D1.2", cookie: null, ("Sec-Fetch-Site", "cross-site"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("""<meta http-equiv="refresh" content="0; url=/login?return=%2Fviewer%3FStudyInstanceUID%3D1.2">""", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"token\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostLogin_ValidToken_303ToReturnWithSessionCookie_WhichOpensProxiedRoutesWithoutReachingTheBackend()
    {
        var user = "login-" + Guid.NewGuid().ToString("N");
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var token = DevelopmentTokens.Mint(gateway.Auth, user, expires.AddHours(-1), TimeSpan.FromHours(1));

        using var login = await PostLoginAsync(token, "/viewer?StudyInstanceUID=1.2.3");

        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        Assert.Equal("/viewer?StudyInstanceUID=1.2.3", login.Headers.Location?.OriginalString);
        var cookie = SetCookie.Parse(Assert.Single(login.Headers.GetValues("Set-Cookie")));
        Assert.Equal(BrowserLogin.CookieName, cookie.Name);
        Assert.Equal(token, cookie.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal("strict", cookie.Attributes["samesite"], ignoreCase: true);
        Assert.Equal("/", cookie.Attributes["path"]);
        Assert.False(cookie.Attributes.ContainsKey("secure")); // plain HTTP here; Secure on HTTPS
        Assert.InRange(DateTimeOffset.Parse(cookie.Attributes["expires"], System.Globalization.CultureInfo.InvariantCulture),
            expires.AddSeconds(-2), expires.AddSeconds(2)); // the cookie lives as long as the token
        var audited = Assert.Single(gateway.Log.Entries, e => e.Category == AuditMiddleware.Category && e.Values["User"] == user);
        Assert.Equal(("POST", "/login", "303"), (audited.Values["Method"], audited.Values["Path"], audited.Values["Status"]));

        // The cookie authenticates a proxied request (as the viewer's <img>, EventSource and WebSocket send it) ...
        var marker = Guid.NewGuid().ToString("N");
        using var proxied = await GetWithCookieAsync($"/dicomweb/studies?probe={marker}", $"theme=dark; {BrowserLogin.CookieName}={cookie.Value}; lang=en");
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        var (_, received) = Assert.Single(gateway.ReceivedWith(marker));
        Assert.Equal(user, received.Headers["X-Isocenter-User"]);
        // ... and stays at the gateway: the backend gets the other cookies only, and no token.
        Assert.Equal("theme=dark; lang=en", received.Headers["Cookie"]);
        Assert.False(received.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Cookie_OnlySessionCookie_BackendReceivesNoCookieHeader()
    {
        var marker = Guid.NewGuid().ToString("N");

        using var response = await GetWithCookieAsync($"/api/activity?probe={marker}", $"{BrowserLogin.CookieName}={gateway.Token("carol")}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, received) = Assert.Single(gateway.ReceivedWith(marker));
        Assert.False(received.Headers.ContainsKey("Cookie"));
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("garbage")]
    [InlineData("empty")]
    [InlineData("too long for a cookie")]
    public async Task PostLogin_InvalidToken_401PageWithoutCookie(string invalid)
    {
        var token = invalid switch
        {
            "expired" => DevelopmentTokens.Mint(gateway.Auth, "mallory", DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromHours(1)),
            "garbage" => "not.a.token",
            "too long for a cookie" => gateway.Token(new string('x', 4000)),
            _ => "",
        };

        using var response = await PostLoginAsync(token, "/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("""role="alert">""", html, StringComparison.Ordinal);
        Assert.Contains("id=\"token\" name=\"token\"", html, StringComparison.Ordinal); // the form again, to try once more
    }

    [Fact]
    public async Task Cookie_InvalidToken_401AndBackendReceivesNothing()
    {
        var marker = Guid.NewGuid().ToString("N");

        using var response = await GetWithCookieAsync($"/dicomweb/studies?probe={marker}", $"{BrowserLogin.CookieName}=not.a.token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(gateway.ReceivedWith(marker));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("")]
    public async Task PostLogin_ReturnNotALocalPath_RedirectsToRoot(string target)
    {
        using var response = await PostLoginAsync(gateway.Token("alice"), target);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task PostLogin_FromAnotherSite_403WithoutCookie()
    {
        using var request = LoginRequest(gateway.Token("alice"), "/");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await _browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("/", "/login?return=%2F")]
    [InlineData("/viewer?StudyInstanceUID=1.2.3&SeriesInstanceUID=1.2.3.4", "/login?return=%2Fviewer%3FStudyInstanceUID%3D1.2.3%26SeriesInstanceUID%3D1.2.3.4")]
    public async Task Navigation_Unauthenticated_302ToLoginWithReturn(string path, string location)
    {
        using var response = await GetWithCookieAsync(path, cookie: null, ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/dicomweb/studies", "text/html")]
    [InlineData("/api/activity", "text/html")]
    [InlineData("/render/studies/1.2.3/series/1.2.3.4/rendered", "text/html")]
    [InlineData("/", "application/json")]
    public async Task NotAPageNavigation_Unauthenticated_401(string path, string accept)
    {
        using var response = await GetWithCookieAsync(path, cookie: null, ("Accept", accept));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PostLogout_ClearsCookie_303ToLogin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/logout");
        request.Headers.Add("Cookie", $"{BrowserLogin.CookieName}={gateway.Token("alice")}");

        using var response = await _browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        var cookie = SetCookie.Parse(Assert.Single(response.Headers.GetValues("Set-Cookie")));
        Assert.Equal(BrowserLogin.CookieName, cookie.Name);
        Assert.Equal("", cookie.Value);
        Assert.True(DateTimeOffset.Parse(cookie.Attributes["expires"], System.Globalization.CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow);
    }

    public void Dispose() => _browser.Dispose();

    private HttpRequestMessage LoginRequest(string token, string target) => new(HttpMethod.Post, "/login")
    {
        Content = new FormUrlEncodedContent([new("token", token), new("return", target)]),
    };

    private async Task<HttpResponseMessage> PostLoginAsync(string token, string target)
    {
        using var request = LoginRequest(token, target);
        return await _browser.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GetWithCookieAsync(string path, string? cookie, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await _browser.SendAsync(request);
    }

    /// <summary>A Set-Cookie header: name, value and attributes (names lower case; flags with an empty value).</summary>
    private sealed record SetCookie(string Name, string Value, IReadOnlyDictionary<string, string> Attributes)
    {
        public bool HttpOnly => Attributes.ContainsKey("httponly");

        public static SetCookie Parse(string header)
        {
            var parts = header.Split(';', StringSplitOptions.TrimEntries);
            var (name, value) = Split(parts[0]);
            return new SetCookie(name, value, parts.Skip(1).Select(Split).ToDictionary(p => p.Name.ToLowerInvariant(), p => p.Value));
        }

        private static (string Name, string Value) Split(string part) =>
            part.IndexOf('=', StringComparison.Ordinal) is var i and >= 0 ? (part[..i], part[(i + 1)..]) : (part, "");
    }
}
