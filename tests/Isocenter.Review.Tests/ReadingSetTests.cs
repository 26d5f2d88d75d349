using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Isocenter.Contracts.Storage;

namespace Isocenter.Review.Tests;

/// <summary>Reading sets: <c>/api/reading-sets</c>, the copies' progress from the storage service's events, owner and admin access.</summary>
[Collection(ReviewCollection.Name)]
public sealed class ReadingSetTests(ReviewArchive archive)
{
    [Fact]
    public async Task Create_FromUids_KeyRecorded_ProgressFromEvents_OwnerAndAdminOnly()
    {
        var studies = archive.Studies.Keys.Order(StringComparer.Ordinal).Take(2).ToList();

        var created = await archive.Review.CreateSetAsync("alice", studies, new JsonObject { ["order"] = "random", ["blinded"] = false });

        var id = Guid.Parse((string)created["id"]!);
        Assert.Equal("preparing", (string?)created["state"]);
        Assert.Equal("alice", (string?)created["owner"]);
        Assert.Equal("random", (string?)created["order"]);
        Assert.False((bool)created["blinded"]!);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["studies"] = 2, ["studiesDone"] = 0, ["instances"] = 4, ["instancesDone"] = 0 }, created["progress"]));
        Assert.Equal(studies, created["studies"]!.AsArray().Select(s => (string?)s!["originalStudyInstanceUid"]));
        Assert.Equal(["Case 1", "Case 2"], created["studies"]!.AsArray().Select(s => (string?)s!["label"]));
        Assert.All(created["studies"]!.AsArray(), s => Assert.Equal("queued", (string?)s!["state"]));
        Assert.All(created["studies"]!.AsArray(), s => Assert.Null(s!["studyInstanceUid"]));
        Assert.Equal("diagnosis", (string?)created["form"]!["fields"]![0]!["id"]);
        Assert.Equal(32, ((byte[])(await archive.ScalarAsync("SELECT secret FROM deid_key WHERE reading_set_id = $1", id))!).Length);

        await PublishAsync(id, studies[0], "2.25.1", "running", 2, 1);
        await PublishAsync(id, studies[1], "2.25.2", "completed", 2, 2);
        await PublishAsync(id, studies[0], "2.25.1", "completed", 2, 2);
        await PublishAsync(id, studies[0], "2.25.1", "running", 2, 1); // late: does not undo completed
        var ready = await archive.Review.WaitForStateAsync("alice", id, "ready");
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["studies"] = 2, ["studiesDone"] = 2, ["instances"] = 4, ["instancesDone"] = 4 }, ready["progress"]));
        Assert.Equal(["2.25.1", "2.25.2"], ready["studies"]!.AsArray().Select(s => (string?)s!["studyInstanceUid"]));

        using var bob = archive.Review.Client("bob");
        using var hidden = await bob.GetAsync($"api/reading-sets/{id}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain((await bob.GetFromJsonAsync<JsonArray>("api/reading-sets"))!, s => (string?)s!["id"] == id.ToString());
        using var admin = archive.Review.Client("carol", admin: true);
        Assert.Equal("alice", (string?)(await admin.GetFromJsonAsync<JsonObject>($"api/reading-sets/{id}"))!["owner"]);
        Assert.Contains((await admin.GetFromJsonAsync<JsonArray>("api/reading-sets"))!, s => (string?)s!["id"] == id.ToString());
        using var share = archive.Review.Client($"share:{Guid.NewGuid()}", shareReadingSet: id);
        using var refused = await share.GetAsync("api/reading-sets");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = archive.Review.BaseAddress };
        using var unauthenticated = await anonymous.GetAsync("api/reading-sets");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    [Fact]
    public async Task Create_FromQuery_FailedAndHeldBack_Partial()
    {
        var (study, (patientId, instances)) = archive.Studies.OrderBy(s => s.Key, StringComparer.Ordinal).Last();
        using var client = archive.Review.Client("dora");

        using var response = await client.PostAsJsonAsync("api/reading-sets", new JsonObject { ["name"] = "By query", ["query"] = new JsonObject { ["PatientID"] = patientId } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var set = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"/api/reading-sets/{set["id"]}", response.Headers.Location?.OriginalString);
        Assert.Equal([study], set["studies"]!.AsArray().Select(s => (string?)s!["originalStudyInstanceUid"]));
        var id = Guid.Parse((string)set["id"]!);
        await PublishAsync(id, study, "2.25.3", "completed", instances, instances - 1, [new("1.2.3", 1, "Burned In Annotation (0028,0301) is YES")]);
        var partial = await archive.Review.WaitForStateAsync("dora", id, "partial");
        Assert.Equal("Burned In Annotation (0028,0301) is YES", (string?)partial["studies"]![0]!["heldBack"]![0]!["reason"]);

        var failedSet = Guid.Parse((string)(await archive.Review.CreateSetAsync("dora", [study]))["id"]!);
        await PublishAsync(failedSet, study, "2.25.4", "failed", instances, 0, error: "the object store failed");
        var failed = await archive.Review.WaitForStateAsync("dora", failedSet, "failed");
        Assert.Equal("the object store failed", (string?)failed["studies"]![0]!["error"]);
    }

    [Fact]
    public async Task Create_Invalid_400WithErrors()
    {
        using var client = archive.Review.Client("erin");
        var body = new JsonObject
        {
            ["name"] = "",
            ["studyInstanceUids"] = new JsonArray("1.2.3.999"),
            ["order"] = "alphabetical",
            ["form"] = new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["id"] = "Bad Id", ["label"] = "x", ["type"] = "choice" }) },
        };

        using var response = await client.PostAsJsonAsync("api/reading-sets", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["form.fields[0].id", "form.fields[0].options", "name", "order", "studyInstanceUids"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        using var none = await client.PostAsJsonAsync("api/reading-sets", new JsonObject { ["name"] = "n", ["query"] = new JsonObject { ["PatientID"] = "NOBODY" } });
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
    }

    private Task PublishAsync(Guid set, string original, string copy, string state, int total, int done, IReadOnlyList<HeldBackSeries>? heldBack = null, string? error = null) =>
        archive.Review.PublishAsync(new StudyDeidentificationChanged(set, original, copy, state, total, done, heldBack ?? [], error));

    [Fact]
    public async Task Mapping_OwnerOnly_Delete_RemovesSetAndKey()
    {
        var study = archive.Studies.Keys.Order(StringComparer.Ordinal).First();
        var id = Guid.Parse((string)(await archive.Review.CreateSetAsync("frank", [study]))["id"]!);
        await archive.ScalarAsync("INSERT INTO deid_mapping VALUES ($1, 'study', $2, '2.25.77'), ($1, 'patient', 'REV1', 'ANON-1')", id, study);
        using var owner = archive.Review.Client("frank");
        using var admin = archive.Review.Client("grace", admin: true);

        var mapping = await owner.GetFromJsonAsync<JsonArray>($"api/reading-sets/{id}/mapping");
        using var adminMapping = await admin.GetAsync($"api/reading-sets/{id}/mapping");

        Assert.True(JsonNode.DeepEquals(new JsonArray(
            new JsonObject { ["kind"] = "patient", ["original"] = "REV1", ["pseudonym"] = "ANON-1" },
            new JsonObject { ["kind"] = "study", ["original"] = study, ["pseudonym"] = "2.25.77" }), mapping), mapping?.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, adminMapping.StatusCode);
        using var deleted = await owner.DeleteAsync($"api/reading-sets/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await owner.GetAsync($"api/reading-sets/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(0L, await archive.ScalarAsync("SELECT count(*) FROM deid_key WHERE reading_set_id = $1", id));
        Assert.Equal(0L, await archive.ScalarAsync("SELECT count(*) FROM deid_mapping WHERE reading_set_id = $1", id));
    }
}
