using System.Net;
using System.Net.Http.Json;
using Isocenter.Gateway.Audit;
using Microsoft.AspNetCore.Http;

namespace Isocenter.Gateway.Tests;

/// <summary>The audit trail in PostgreSQL (issue 10): every audited request is a row, classified, queryable by administrators only.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuditTrailTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Requests_Written_QueryableByAdminNewestFirst()
    {
        var user = "viewer-" + Guid.NewGuid().ToString("N");
        var study = "1.2.840.99.20." + Random.Shared.NextInt64();
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (await gateway.GetAsUserAsync($"/dicomweb/studies/{study}/metadata", user))
        using (await gateway.GetAsUserAsync($"/render/studies/{study}/series/1.2.3/volume", user))
        using (await gateway.GetAsUserAsync("/dicomweb/studies?PatientID=X", user))
        {
        }

        var rows = await WaitForRowsAsync($"/api/audit?user={user}&from={Uri.EscapeDataString(from.ToString("O"))}", 3);

        Assert.Equal(["search", "render", "view"], rows.Select(r => r.Action));
        Assert.Equal([null, study, study], rows.Select(r => r.StudyInstanceUid));
        Assert.All(rows, row => Assert.Equal("Bearer", row.Scheme));
        Assert.All(rows, row => Assert.Equal(200, row.Status));
        Assert.Equal($"/dicomweb/studies/{study}/metadata", rows[2].Path);
        var byStudy = await QueryAsync($"/api/audit?study={study}&action=render", GatewayFixture.AdminName);
        Assert.Equal("render", Assert.Single(byStudy).Action);
    }

    [Fact]
    public async Task Query_NotAdmin_403()
    {
        using var response = await gateway.GetAsUserAsync("/api/audit", "not-an-admin");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/dicomweb/studies/1.2.3/metadata", "view")]
    [InlineData("GET", "/dicomweb/series?StudyInstanceUID=1.2.3", "search")]
    [InlineData("GET", "/render/studies/1.2.3/series/1.2.3.4/mpr", "render")]
    [InlineData("PUT", "/api/review/findings/1.2.3", "finding-change")]
    [InlineData("GET", "/api/review/worklist", "view")]
    [InlineData("GET", "/api/reading-sets/0b6f/findings.csv", "export")]
    [InlineData("POST", "/api/reading-sets/0b6f/findings/sr", "export")]
    [InlineData("GET", "/api/reading-sets/0b6f/mapping", "mapping-read")]
    [InlineData("POST", "/api/reading-sets/0b6f/share-links", "share-link")]
    [InlineData("DELETE", "/api/share-links/0b6f", "share-link")]
    [InlineData("POST", "/api/reading-sets", "reading-set")]
    [InlineData("POST", "/api/launch-tokens", "launch")]
    [InlineData("GET", "/viewer?StudyInstanceUID=1.2.3&launch=t", "launch")]
    [InlineData("POST", "/login", "login")]
    [InlineData("GET", "/review/tok", "login")]
    [InlineData("GET", "/api/audit", "admin")]
    [InlineData("GET", "/config.js", "other")]
    public void Action_ClassifiedFromMethodAndPath(string method, string pathAndQuery, string action)
    {
        var parts = pathAndQuery.Split('?');
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = parts[0];
        context.Request.QueryString = parts.Length > 1 ? new QueryString("?" + parts[1]) : QueryString.Empty;

        Assert.Equal(action, AuditAction.Of(context.Request));
    }

    private async Task<List<AuditRow>> WaitForRowsAsync(string query, int count)
    {
        // The writer is in the background: the rows arrive shortly after the responses.
        for (var i = 0; ; i++)
        {
            var rows = await QueryAsync(query, GatewayFixture.AdminName);
            if (rows.Count >= count || i == 100)
            {
                return rows;
            }
            await Task.Delay(50);
        }
    }

    private async Task<List<AuditRow>> QueryAsync(string query, string user)
    {
        using var response = await gateway.GetAsUserAsync(query, user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<List<AuditRow>>())!;
    }
}
