using System.Net;
using System.Net.Http.Headers;
using Isocenter.Gateway.Audit;
using Isocenter.Gateway.Auth;

namespace Isocenter.Gateway.Tests;

/// <summary>The audit log: who accessed which study, refused requests included (issue 6 acceptance: "audit entries are written").</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuditTests(GatewayFixture gateway)
{
    [Theory]
    [InlineData("/dicomweb/studies/1.2.840.99.1/series/1.2.840.99.1.1/metadata", "1.2.840.99.1")]
    [InlineData("/dicomweb/series?StudyInstanceUID=1.2.840.99.2", "1.2.840.99.2")]
    [InlineData("/dicomweb/studies?PatientID=P1", "search")]
    [InlineData("/render/series/1.2.840.99.3.1/volume?StudyInstanceUID=1.2.840.99.3", "1.2.840.99.3")]
    public async Task Request_ValidToken_AuditedWithUserAndStudy(string path, string study)
    {
        var user = "audited-" + Guid.NewGuid().ToString("N");

        using var response = await gateway.GetAsUserAsync(path, user);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(Entries(user));
        Assert.Equal(study, entry.Values["StudyInstanceUID"]);
        Assert.Equal("Bearer", entry.Values["Scheme"]);
        Assert.Equal("GET", entry.Values["Method"]);
        Assert.Equal(path.Split('?')[0], entry.Values["Path"]);
        Assert.Equal("200", entry.Values["Status"]);
        Assert.NotNull(entry.Values["Time"]);
    }

    [Fact]
    public async Task Request_ApiKey_AuditedWithKeyName()
    {
        var marker = "/dicomweb/studies/1.2.840.99.4/series/" + Random.Shared.Next();

        using var response = await gateway.GetAsync(marker, authorization: null, (ApiKeyAuthenticationHandler.Header, GatewayFixture.ApiKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(gateway.Log.Entries, e => e.Category == AuditMiddleware.Category && e.Values["Path"] == marker);
        Assert.Equal(GatewayFixture.ApiKeyName, entry.Values["User"]);
        Assert.Equal("ApiKey", entry.Values["Scheme"]);
        Assert.Equal("1.2.840.99.4", entry.Values["StudyInstanceUID"]);
    }

    [Fact]
    public async Task Request_Refused_AuditedAsAnonymous401()
    {
        var path = "/dicomweb/studies/1.2.840.99.5." + Random.Shared.Next() + "/metadata";

        using var response = await gateway.GetAsync(path, new AuthenticationHeaderValue("Bearer", "not.a.token"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var entry = Assert.Single(gateway.Log.Entries, e => e.Category == AuditMiddleware.Category && e.Values["Path"] == path);
        Assert.Equal("anonymous", entry.Values["User"]);
        Assert.Equal("401", entry.Values["Status"]);
    }

    [Fact]
    public async Task HealthEndpoint_NotAudited()
    {
        using var response = await gateway.GetAsync("/alive", authorization: null);

        Assert.DoesNotContain(gateway.Log.Entries, e => e.Category == AuditMiddleware.Category && e.Values["Path"] == "/alive");
    }

    private IEnumerable<LogEntry> Entries(string user) =>
        gateway.Log.Entries.Where(e => e.Category == AuditMiddleware.Category && e.Values["User"] == user);
}
