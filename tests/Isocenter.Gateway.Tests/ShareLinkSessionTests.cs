using System.Net;
using System.Net.Http.Headers;
using Isocenter.Gateway.Audit;
using Isocenter.Gateway.Auth;
using Isocenter.Gateway.Sessions;

namespace Isocenter.Gateway.Tests;

/// <summary>
/// A share link through the gateway (issue 10): it lands on the reviewer's page with a cookie that opens exactly the link's
/// studies, read-only, through every route; other studies are 404, other routes 403; revocation locks the reviewer out at once.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ShareLinkSessionTests(GatewayFixture gateway) : IDisposable
{
    private readonly string[] _studies = ["2.25." + Random.Shared.NextInt64(), "2.25." + Random.Shared.NextInt64()];
    private readonly string _other = "1.2.840.99." + Random.Shared.NextInt64();

    // A browser: it keeps cookies and looks at redirects rather than following them.
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
    {
        BaseAddress = gateway.Client.BaseAddress,
    };

    [Fact]
    public async Task OpenLink_CookieSetAnd303ToReview_WhichOpensTheLinksStudiesOnly()
    {
        var link = gateway.Review.AddLink(_studies, DateTimeOffset.UtcNow.AddDays(7));

        using var landing = await _browser.GetAsync($"/review/{link.Token}");

        Assert.Equal(HttpStatusCode.SeeOther, landing.StatusCode);
        Assert.Equal(ShareLinkLanding.ReviewPage, landing.Headers.Location?.OriginalString);
        var cookie = Assert.Single(landing.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{ShareLinkAuthenticationHandler.CookieName}={link.Token};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var audited = Assert.Single(gateway.Log.Entries, e => e.Category == AuditMiddleware.Category && e.Values["User"] == $"share:{link.LinkId}"
            && e.Values["Path"] == ShareLinkLanding.Route); // the landing, as the link's user, without the token
        Assert.Equal("303", audited.Values["Status"]);
        Assert.DoesNotContain(gateway.Log.Entries, e => e.Message.Contains(link.Token, StringComparison.Ordinal));
        using (var page = await _browser.GetAsync("/review"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the viewer's index.html
        }

        var marker = Guid.NewGuid().ToString("N");
        using var metadata = await _browser.GetAsync($"/dicomweb/studies/{_studies[0]}/metadata?probe={marker}");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        var received = Assert.Single(gateway.DicomWeb.ReceivedWith(marker));
        Assert.Equal($"share:{link.LinkId}", received.Headers["X-Isocenter-User"]);
        Assert.Equal(link.ReadingSetId.ToString(), received.Headers[ScopedSessions.ReadingSetHeader]);
        Assert.DoesNotContain(ShareLinkAuthenticationHandler.CookieName, received.Headers.GetValueOrDefault("Cookie") ?? "", StringComparison.Ordinal);

        using (var render = await _browser.GetAsync($"/render/studies/{_studies[1]}/series/2.25.9/volume"))
        {
            Assert.Equal(HttpStatusCode.OK, render.StatusCode);
        }
    }

    [Theory]
    [InlineData("/dicomweb/studies/{0}/metadata")]
    [InlineData("/dicomweb/studies/{0}/series/1.2.3/instances/1.2.3.4/frames/1")]
    [InlineData("/render/studies/{0}/series/1.2.3/volume")]
    [InlineData("/api/activity?StudyInstanceUID={0}")]
    public async Task OtherStudy_404_BackendReachedNever(string route)
    {
        await OpenAsync();

        using var response = await _browser.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, route, _other));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(gateway.ReceivedWith(_other));
    }

    [Theory]
    [InlineData("GET", "/dicomweb/series")]
    [InlineData("GET", "/dicomweb/instances")]
    [InlineData("POST", "/dicomweb/studies")]
    [InlineData("DELETE", "/dicomweb/studies/{0}")]
    [InlineData("GET", "/api/reading-sets")]
    [InlineData("DELETE", "/api/share-links/{1}")]
    [InlineData("GET", "/api/dicom-nodes")]
    [InlineData("GET", "/api/retrievals")]
    [InlineData("GET", "/api/audit")]
    [InlineData("POST", "/api/launch-tokens")]
    public async Task OtherRoute_403Problem(string method, string route)
    {
        var link = await OpenAsync();
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(new HttpMethod(method),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, route, _studies[0], link.LinkId) + "?probe=" + marker);

        using var response = await _browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(gateway.ReceivedWith(marker));
        Assert.DoesNotContain(gateway.Review.Received, r => r.PathAndQuery.Contains(marker, StringComparison.Ordinal));
        Assert.False(link.Revoked);
    }

    [Fact]
    public async Task Search_NarrowedToTheLinksStudies_EmptyIntersectionAnsweredByTheGateway()
    {
        await OpenAsync();
        var marker = Guid.NewGuid().ToString("N");

        using var all = await _browser.GetAsync($"/dicomweb/studies?PatientID={marker}");
        using var one = await _browser.GetAsync($"/dicomweb/studies?PatientID={marker}1&StudyInstanceUID={_studies[1]},{_other}");
        using var none = await _browser.GetAsync($"/dicomweb/studies?PatientID={marker}2&StudyInstanceUID={_other}");

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var received = gateway.DicomWeb.ReceivedWith(marker).Select(r => Uri.UnescapeDataString(r.PathAndQuery)).ToList();
        Assert.Equal(2, received.Count);
        Assert.Contains($"StudyInstanceUID={string.Join(',', _studies.Order(StringComparer.Ordinal))}", received[0], StringComparison.Ordinal);
        Assert.EndsWith($"StudyInstanceUID={_studies[1]}", received[1], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal("application/dicom+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal("[]", await none.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReviewApi_ReadingSetAdded_ClientsOwnHeadersReplaced()
    {
        var link = await OpenAsync();
        var marker = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/review/findings/{_studies[0]}?probe={marker}") { Content = new StringContent("{}") };
        request.Headers.Add(ScopedSessions.ReadingSetHeader, Guid.NewGuid().ToString());
        request.Headers.Add(GatewayAdmins.RolesHeader, GatewayAdmins.AdminRole);

        using var response = await _browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(gateway.Review.Received, r => r.PathAndQuery.Contains(marker, StringComparison.Ordinal));
        Assert.Equal(link.ReadingSetId.ToString(), received.Headers[ScopedSessions.ReadingSetHeader]);
        Assert.False(received.Headers.ContainsKey(GatewayAdmins.RolesHeader));
    }

    [Fact]
    public async Task Revoked_ThroughTheGateway_NextRequestRefused()
    {
        var link = await OpenAsync();
        using (var before = await _browser.GetAsync($"/dicomweb/studies/{_studies[0]}/metadata"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }
        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"/api/share-links/{link.LinkId}");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gateway.Token("owner"));
        using (var revoked = await gateway.Client.SendAsync(revoke))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var after = await _browser.GetAsync($"/dicomweb/studies/{_studies[0]}/metadata");
        using var page = await SendAsync(HttpMethod.Get, "/review", ("Accept", "text/html"));

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Contains("expired or was revoked", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("revoked", HttpStatusCode.Gone, "revoked by the reading set")]
    [InlineData("expired", HttpStatusCode.Gone, "expired at")]
    [InlineData("unknown", HttpStatusCode.NotFound, "not valid")]
    public async Task OpenLink_Refused_HtmlPageSayingWhyAndWhatToDo(string kind, HttpStatusCode status, string reason)
    {
        var link = gateway.Review.AddLink(_studies, DateTimeOffset.UtcNow.AddDays(kind == "expired" ? -1 : 1));
        link.Revoked = kind == "revoked";
        var token = kind == "unknown" ? "tok" + Guid.NewGuid().ToString("N") : link.Token;

        using var response = await _browser.GetAsync($"/review/{token}");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(reason, html, StringComparison.Ordinal);
        Assert.Contains("Ask the person who sent you the link for a new one.", html, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task StaffWithShareCookie_StaysStaff()
    {
        await OpenAsync();

        using var response = await SendAsync(HttpMethod.Get, "/api/reading-sets", ("Authorization", "Bearer " + gateway.Token("staff")));

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public void Dispose() => _browser.Dispose();

    private async Task<FakeShareLink> OpenAsync()
    {
        var link = gateway.Review.AddLink(_studies, DateTimeOffset.UtcNow.AddDays(7));
        using var landing = await _browser.GetAsync($"/review/{link.Token}");
        Assert.Equal(HttpStatusCode.SeeOther, landing.StatusCode);
        return link;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await _browser.SendAsync(request);
    }
}
