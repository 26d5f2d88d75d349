using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Isocenter.Review.Tests;

/// <summary>The reviewer API: worklist (order, blinding, status), findings (drafts, validation, completion), access.</summary>
[Collection(ReviewCollection.Name)]
public sealed class ReviewTests(ReviewArchive archive)
{
    /// <summary>A form with a required choice, a bounded number and an optional text.</summary>
    public static JsonObject Form() => new()
    {
        ["fields"] = new JsonArray(
            new JsonObject { ["id"] = "diagnosis", ["label"] = "Diagnosis", ["type"] = "choice", ["options"] = new JsonArray("normal", "fracture", "=cmd|' /C calc'!A0"), ["required"] = true },
            new JsonObject { ["id"] = "severity", ["label"] = "Severity", ["type"] = "number", ["min"] = 0, ["max"] = 10 },
            new JsonObject { ["id"] = "notes", ["label"] = "Notes", ["type"] = "text" }),
    };

    [Fact]
    public async Task ShareSession_Worklist_DraftThenDone_ValidatedAndScoped_LockedOutOnRevoke()
    {
        var studies = archive.Studies.Keys.Order(StringComparer.Ordinal).ToList();
        var id = Guid.Parse((string)(await archive.CreateReadySetAsync("judy", studies, new JsonObject { ["form"] = Form() }))["id"]!);
        using var owner = archive.Review.Client("judy");
        var link = (await (await owner.PostAsJsonAsync($"api/reading-sets/{id}/share-links", new JsonObject { ["label"] = "Dr. Reviewer" })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var reviewer = archive.Review.Client($"share:{link["id"]}", shareReadingSet: id);

        var worklist = (await reviewer.GetFromJsonAsync<JsonObject>("api/review/worklist"))!;
        Assert.Equal(3, (int)worklist["total"]!);
        Assert.Equal(0, (int)worklist["done"]!);
        Assert.True((bool)worklist["blinded"]!);
        Assert.Equal("diagnosis", (string?)worklist["form"]!["fields"]![0]!["id"]);
        Assert.Equal(studies, worklist["studies"]!.AsArray().Select(s => (string)s!["studyInstanceUid"]!));
        Assert.All(worklist["studies"]!.AsArray(), s => Assert.Equal(["label", "position", "status", "studyInstanceUid"], s!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)));

        var empty = (await reviewer.GetFromJsonAsync<JsonObject>($"api/review/findings/{studies[0]}"))!;
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["values"] = new JsonObject(), ["comment"] = "", ["complete"] = false, ["updatedAt"] = null }, empty), empty.ToJsonString());

        using var draft = await reviewer.PutAsJsonAsync($"api/review/findings/{studies[0]}", new JsonObject { ["values"] = new JsonObject { ["severity"] = 4 }, ["comment"] = "looking" });
        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        Assert.NotNull((await draft.Content.ReadFromJsonAsync<JsonObject>())!["updatedAt"]);
        Assert.Equal("draft", (string?)(await reviewer.GetFromJsonAsync<JsonObject>("api/review/worklist"))!["studies"]![0]!["status"]);

        Assert.Equal(["values.severity"], await ErrorsAsync(reviewer, studies[0], new JsonObject { ["values"] = new JsonObject { ["severity"] = 11 } }));
        Assert.Equal(["values.diagnosis"], await ErrorsAsync(reviewer, studies[0], new JsonObject { ["values"] = new JsonObject { ["severity"] = 4 }, ["complete"] = true }));
        Assert.Equal(["values.diagnosis", "values.unknown"], await ErrorsAsync(reviewer, studies[0],
            new JsonObject { ["values"] = new JsonObject { ["diagnosis"] = "flu", ["unknown"] = 1 } }));

        using var done = await reviewer.PutAsJsonAsync($"api/review/findings/{studies[0]}",
            new JsonObject { ["values"] = new JsonObject { ["diagnosis"] = "fracture", ["severity"] = 4 }, ["comment"] = "distal radius", ["complete"] = true });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var reread = (await reviewer.GetFromJsonAsync<JsonObject>($"api/review/findings/{studies[0]}"))!;
        Assert.Equal("fracture", (string?)reread["values"]!["diagnosis"]);
        Assert.True((bool)reread["complete"]!);
        worklist = (await reviewer.GetFromJsonAsync<JsonObject>("api/review/worklist"))!;
        Assert.Equal(1, (int)worklist["done"]!);
        Assert.Equal(["done", "todo", "todo"], worklist["studies"]!.AsArray().Select(s => (string)s!["status"]!));

        using var outOfScope = await reviewer.GetAsync("api/review/findings/1.2.3.4");
        Assert.Equal(HttpStatusCode.NotFound, outOfScope.StatusCode);
        using var otherSet = archive.Review.Client($"share:{link["id"]}", shareReadingSet: Guid.NewGuid());
        using var mismatch = await otherSet.GetAsync("api/review/worklist");
        Assert.Equal(HttpStatusCode.NotFound, mismatch.StatusCode);

        using var revoke = await owner.DeleteAsync($"api/share-links/{link["id"]}");
        using var lockedOut = await reviewer.GetAsync("api/review/worklist");
        Assert.Equal(HttpStatusCode.NotFound, lockedOut.StatusCode);
        Assert.Contains("revoked", (string)(await lockedOut.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OidcReviewer_OnlyWhenAdded_RandomOrderStablePerReviewer_NotBlindedShowsIndexAttributes()
    {
        var studies = archive.Studies.Keys.Order(StringComparer.Ordinal).ToList();
        var id = Guid.Parse((string)(await archive.CreateReadySetAsync("kate", studies, new JsonObject { ["order"] = "random", ["blinded"] = false }))["id"]!);
        using var owner = archive.Review.Client("kate");
        using var leo = archive.Review.Client("leo");

        using var notYet = await leo.GetAsync($"api/review/worklist?readingSet={id}");
        Assert.Equal(HttpStatusCode.NotFound, notYet.StatusCode);
        using var added = await owner.PostAsJsonAsync($"api/reading-sets/{id}/reviewers", new JsonObject { ["subject"] = "leo" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(["leo"], (await owner.GetFromJsonAsync<JsonArray>($"api/reading-sets/{id}/reviewers"))!.Select(r => (string)r!["subject"]!));

        var first = (await leo.GetFromJsonAsync<JsonObject>($"api/review/worklist?readingSet={id}"))!;
        var again = (await leo.GetFromJsonAsync<JsonObject>($"api/review/worklist?readingSet={id}"))!;
        Assert.True(JsonNode.DeepEquals(first, again));
        Assert.Equal(studies, first["studies"]!.AsArray().Select(s => (string)s!["studyInstanceUid"]!).Order(StringComparer.Ordinal));
        var study = first["studies"]![0]!;
        Assert.Equal(["CT"], study["modalities"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(2, (int)study["instances"]!);
        Assert.Matches("^[0-9]{8}$", (string)study["studyDate"]!);
        using var noSet = await leo.GetAsync("api/review/worklist");
        Assert.Equal(HttpStatusCode.BadRequest, noSet.StatusCode);

        using var removed = await owner.DeleteAsync($"api/reading-sets/{id}/reviewers/leo");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var gone = await leo.GetAsync($"api/review/worklist?readingSet={id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private static async Task<string[]> ErrorsAsync(HttpClient reviewer, string study, JsonObject body)
    {
        using var response = await reviewer.PutAsJsonAsync($"api/review/findings/{study}", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal)];
    }
}
