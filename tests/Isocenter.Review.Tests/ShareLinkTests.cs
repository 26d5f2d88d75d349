using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Isocenter.Review.Tests;

/// <summary>Share links: creation, listing, the gateway's resolution (signature, expiry, revocation) and scope.</summary>
[Collection(ReviewCollection.Name)]
public sealed class ShareLinkTests(ReviewArchive archive)
{
    [Fact]
    public async Task Create_List_Resolve_TamperedExpiredRevoked404WithReason()
    {
        var studies = archive.Studies.Keys.Order(StringComparer.Ordinal).ToList();
        var id = Guid.Parse((string)(await archive.CreateReadySetAsync("henry", studies))["id"]!);
        using var owner = archive.Review.Client("henry");

        using var created = await owner.PostAsJsonAsync($"api/reading-sets/{id}/share-links", new JsonObject { ["label"] = "Dr. X", ["expiresInHours"] = 168 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var (linkId, token) = ((string)link["id"]!, (string)link["token"]!);
        Assert.Equal("/review/" + token, (string?)link["url"]);
        Assert.Equal("Dr. X", (string?)link["label"]);
        Assert.Null(link["revokedAt"]);
        Assert.InRange(DateTimeOffset.Parse((string)link["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow, TimeSpan.FromHours(167), TimeSpan.FromHours(168));
        var listed = (await owner.GetFromJsonAsync<JsonArray>($"api/reading-sets/{id}/share-links"))!;
        Assert.Equal(token, (string?)listed.Single()!["token"]);

        var resolved = await ResolveAsync(token);
        Assert.Equal(HttpStatusCode.OK, resolved.Status);
        Assert.Equal(linkId, (string?)resolved.Body["linkId"]);
        Assert.Equal(id.ToString(), (string?)resolved.Body["readingSetId"]);
        Assert.Equal($"share:{linkId}", (string?)resolved.Body["subject"]);
        Assert.True((bool)resolved.Body["blinded"]!);
        Assert.Equal(studies, resolved.Body["studyInstanceUids"]!.AsArray().Select(s => (string)s!));

        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        Assert.Contains("signature", (await ResolveAsync(tampered)).Detail, StringComparison.Ordinal);
        Assert.Contains("malformed", (await ResolveAsync("not-a-token")).Detail, StringComparison.Ordinal);

        using var oneStudy = await owner.PostAsJsonAsync($"api/reading-sets/{id}/share-links", new JsonObject { ["label"] = "Dr. Y", ["studyInstanceUid"] = studies[1] });
        var scoped = await ResolveAsync((string)(await oneStudy.Content.ReadFromJsonAsync<JsonObject>())!["token"]!);
        Assert.Equal([studies[1]], scoped.Body["studyInstanceUids"]!.AsArray().Select(s => (string)s!));

        using var stranger = archive.Review.Client("mallory");
        using var notTheirs = await stranger.DeleteAsync($"api/share-links/{linkId}");
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        using var revoked = await owner.DeleteAsync($"api/share-links/{linkId}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var afterRevoke = await ResolveAsync(token);
        Assert.Equal(HttpStatusCode.NotFound, afterRevoke.Status);
        Assert.Contains("revoked", afterRevoke.Detail, StringComparison.Ordinal);
        Assert.NotNull((await owner.GetFromJsonAsync<JsonArray>($"api/reading-sets/{id}/share-links"))![0]!["revokedAt"]);

        var expiring = (await (await owner.PostAsJsonAsync($"api/reading-sets/{id}/share-links", new JsonObject { ["label"] = "Dr. Z", ["expiresInHours"] = 1 }))
            .Content.ReadFromJsonAsync<JsonObject>())!;
        await archive.ScalarAsync("UPDATE share_link SET expires_at = now() - interval '1 second' WHERE id = $1", Guid.Parse((string)expiring["id"]!));
        Assert.Contains("expired", (await ResolveAsync((string)expiring["token"]!)).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, null, "expiresInHours")]
    [InlineData(2161, null, "expiresInHours")]
    [InlineData(24, "1.2.3.4", "studyInstanceUid")]
    public async Task Create_Invalid_400NamingTheField(int hours, string? study, string field)
    {
        var id = Guid.Parse((string)(await archive.Review.CreateSetAsync("ines", [archive.Studies.Keys.First()]))["id"]!);
        using var owner = archive.Review.Client("ines");

        using var response = await owner.PostAsJsonAsync($"api/reading-sets/{id}/share-links", new JsonObject { ["label"] = "x", ["expiresInHours"] = hours, ["studyInstanceUid"] = study });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
    }

    private async Task<(HttpStatusCode Status, JsonObject Body, string Detail)> ResolveAsync(string token)
    {
        using var client = new HttpClient { BaseAddress = archive.Review.BaseAddress }; // the gateway calls it directly, without a user
        using var response = await client.GetAsync($"internal/share-links/resolve?token={Uri.EscapeDataString(token)}");
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (response.StatusCode, body, (string?)body["detail"] ?? "");
    }
}
