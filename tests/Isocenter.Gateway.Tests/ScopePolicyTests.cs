using Isocenter.Gateway.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Isocenter.Gateway.Tests;

/// <summary>What a scoped session (share link, launch) may do: the policy alone, request by request.</summary>
public sealed class ScopePolicyTests
{
    private const string InScope = "2.25.1001";
    private const string AlsoInScope = "2.25.1002";
    private const string Other = "1.2.840.99.7";

    private static readonly SessionScope Scope = new(new HashSet<string>([InScope, AlsoInScope]), Guid.NewGuid());

    [Theory]
    [InlineData("GET", "/review")]
    [InlineData("GET", "/viewer")]
    [InlineData("HEAD", "/assets/app.js")]
    [InlineData("GET", "/config.js")]
    [InlineData("GET", "/dicomweb/studies/" + InScope + "/metadata")]
    [InlineData("GET", "/dicomweb/studies/" + InScope + "/series/2.25.5/instances/2.25.6/frames/1")]
    [InlineData("GET", "/DICOMweb/Studies/" + AlsoInScope)]
    [InlineData("GET", "/render/studies/" + InScope + "/series/2.25.5/volume")]
    [InlineData("GET", "/render/studies/" + InScope + "/series/2.25.5/session")]
    [InlineData("GET", "/render")]
    [InlineData("GET", "/api/review/worklist")]
    [InlineData("GET", "/api/review/findings/" + InScope)]
    [InlineData("PUT", "/api/review/findings/" + InScope)]
    [InlineData("GET", "/api/activity?StudyInstanceUID=" + InScope)]
    public void Decide_ReadWithinScope_Allowed(string method, string pathAndQuery) =>
        Assert.Equal(new ScopeDecision(ScopeVerdict.Allow), Decide(method, pathAndQuery));

    [Theory]
    [InlineData("/dicomweb/studies/" + Other + "/metadata")]
    [InlineData("/dicomweb/studies/" + Other)]
    [InlineData("/render/studies/" + Other + "/series/1.2.3/mpr")]
    [InlineData("/api/activity?StudyInstanceUID=" + Other)]
    public void Decide_StudyOutsideScope_NotFound(string pathAndQuery) =>
        Assert.Equal(ScopeVerdict.NotFound, Decide("GET", pathAndQuery).Verdict);

    [Theory]
    [InlineData("POST", "/dicomweb/studies")] // STOW-RS
    [InlineData("POST", "/dicomweb/studies/" + InScope)]
    [InlineData("DELETE", "/dicomweb/studies/" + InScope)]
    [InlineData("GET", "/dicomweb/series?StudyInstanceUID=" + InScope)]
    [InlineData("GET", "/dicomweb/instances")]
    [InlineData("GET", "/render/series/1.2.3/slab")]
    [InlineData("GET", "/api/activity")]
    [InlineData("GET", "/api/reading-sets")]
    [InlineData("GET", "/api/share-links/" + "0b6f")]
    [InlineData("DELETE", "/api/share-links/" + "0b6f")]
    [InlineData("GET", "/api/dicom-nodes")]
    [InlineData("GET", "/api/retrievals")]
    [InlineData("GET", "/api/audit")]
    [InlineData("POST", "/api/launch-tokens")]
    [InlineData("POST", "/api/review/worklist")]
    [InlineData("DELETE", "/api/review/findings/" + InScope)]
    [InlineData("POST", "/logout")]
    public void Decide_AnythingElse_Forbidden(string method, string pathAndQuery) =>
        Assert.Equal(ScopeVerdict.Forbidden, Decide(method, pathAndQuery).Verdict);

    [Theory]
    [InlineData("/dicomweb/studies?PatientID=P*&limit=10", "?PatientID=P*&limit=10&StudyInstanceUID=" + InScope + "," + AlsoInScope)]
    [InlineData("/dicomweb/studies?StudyInstanceUID=" + Other + "," + AlsoInScope, "?StudyInstanceUID=" + AlsoInScope)]
    [InlineData("/dicomweb/studies?0020000D=" + InScope + "%5C" + Other + "&includefield=all", "?includefield=all&StudyInstanceUID=" + InScope)]
    public void Decide_Search_NarrowedToScope(string pathAndQuery, string narrowed)
    {
        var decision = Decide("GET", pathAndQuery);

        Assert.Equal(ScopeVerdict.Allow, decision.Verdict);
        Assert.Equal(QueryHelpers.ParseQuery(narrowed), QueryHelpers.ParseQuery(decision.Query?.Value));
    }

    [Fact]
    public void Decide_SearchOutsideScope_EmptySearch() =>
        Assert.Equal(ScopeVerdict.EmptySearch, Decide("GET", "/dicomweb/studies?StudyInstanceUID=" + Other).Verdict);

    private static ScopeDecision Decide(string method, string pathAndQuery)
    {
        var parts = pathAndQuery.Split('?', 2);
        var query = new QueryCollection(QueryHelpers.ParseQuery(parts.Length > 1 ? parts[1] : null));
        return ScopePolicy.Decide(method, new PathString(parts[0]), query, Scope);
    }
}
