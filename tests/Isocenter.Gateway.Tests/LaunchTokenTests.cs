using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Isocenter.Gateway.Sessions;

namespace Isocenter.Gateway.Tests;

/// <summary>Launch from a PACS or HIS (issue 10): a short-lived token bound to a study and a user opens that study only.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LaunchTokenTests(GatewayFixture gateway) : IDisposable
{
    private readonly string _study = "1.2.840.99.10." + Random.Shared.NextInt64();

    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
    {
        BaseAddress = gateway.Client.BaseAddress,
    };

    [Fact]
    public async Task Launch_Opened_SessionForThatUserAndStudy_VolumesPrepared_303WithoutToken()
    {
        var user = "clinician-" + Guid.NewGuid().ToString("N");
        var launch = await MintAsync(new { studyInstanceUid = _study, user, minutes = 5 });
        Assert.InRange(launch.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
        Assert.Equal($"/viewer?StudyInstanceUID={_study}&launch={launch.Token}", launch.Url);

        using var opened = await _browser.GetAsync(launch.Url + "&layout=2x2");

        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        Assert.Equal($"/viewer?StudyInstanceUID={_study}&layout=2x2", opened.Headers.Location?.OriginalString);
        Assert.Contains("samesite=lax", Assert.Single(opened.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        var marker = Guid.NewGuid().ToString("N");
        using (var metadata = await _browser.GetAsync($"/dicomweb/studies/{_study}/metadata?probe={marker}"))
        {
            Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        }
        Assert.Equal(user, Assert.Single(gateway.DicomWeb.ReceivedWith(marker)).Headers["X-Isocenter-User"]);
        using (var other = await _browser.GetAsync("/dicomweb/studies/1.2.840.99.11/metadata"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
        using (var search = await _browser.GetAsync("/dicomweb/series"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, search.StatusCode);
        }
        // Fire and forget: the review service hears of it shortly after the redirect.
        for (var i = 0; i < 100 && !gateway.Review.Prepared.Contains(_study); i++)
        {
            await Task.Delay(50);
        }
        Assert.Contains(_study, gateway.Review.Prepared);
    }

    [Fact]
    public async Task Launch_TokenOfAnotherStudy_401Page()
    {
        var launch = await MintAsync(new { studyInstanceUid = _study, user = "clinician", minutes = 5 });

        using var opened = await _browser.GetAsync($"/viewer?StudyInstanceUID=1.2.840.99.12&launch={launch.Token}");

        Assert.Equal(HttpStatusCode.Unauthorized, opened.StatusCode);
        Assert.Contains("another study", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(opened.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Launch_ExpiredOrForged_401Page()
    {
        var tokens = new LaunchTokens(gateway.Auth, new PastTime(TimeSpan.FromMinutes(10)));
        var (expired, _) = tokens.Mint(LaunchTokens.LaunchPurpose, "clinician", _study, TimeSpan.FromMinutes(5));
        var (session, _) = new LaunchTokens(gateway.Auth, TimeProvider.System).Mint(LaunchTokens.SessionPurpose, "clinician", _study, TimeSpan.FromMinutes(5));

        using var late = await _browser.GetAsync($"/viewer?StudyInstanceUID={_study}&launch={expired}");
        using var wrongPurpose = await _browser.GetAsync($"/viewer?StudyInstanceUID={_study}&launch={session}");
        using var forged = await _browser.GetAsync($"/viewer?StudyInstanceUID={_study}&launch={gateway.Token("clinician")}");

        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.Contains("has expired", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPurpose.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("text/html", forged.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task LaunchToken_AsBearer_Refused()
    {
        var launch = await MintAsync(new { studyInstanceUid = _study, user = "clinician", minutes = 5 });

        using var response = await gateway.GetAsync($"/dicomweb/studies/{_study}/metadata", new AuthenticationHeaderValue("Bearer", launch.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("not a uid", 5)]
    [InlineData("1.2.3", 61)]
    [InlineData("1.2.3", 0)]
    public async Task Mint_Invalid_400WithErrors(string study, int minutes)
    {
        using var response = await PostMintAsync(new { studyInstanceUid = study, user = "clinician", minutes });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    public void Dispose() => _browser.Dispose();

    private async Task<LaunchTokenResponse> MintAsync(object body)
    {
        using var response = await PostMintAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<LaunchTokenResponse>())!;
    }

    private async Task<HttpResponseMessage> PostMintAsync(object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, LaunchLinks.Route) { Content = JsonContent.Create(body) };
        request.Headers.Add(Auth.ApiKeyAuthenticationHandler.Header, GatewayFixture.ApiKey);
        return await gateway.Client.SendAsync(request);
    }

    /// <summary>The clock <paramref name="ago"/> in the past.</summary>
    private sealed class PastTime(TimeSpan ago) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() - ago;
    }
}
