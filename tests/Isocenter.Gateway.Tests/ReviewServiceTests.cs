using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Isocenter.Contracts.Ingest;
using Isocenter.Gateway.Audit;
using Isocenter.Index;
using Isocenter.Testing;
using Npgsql;

namespace Isocenter.Gateway.Tests;

/// <summary>
/// The gateway in front of the real review service (issue 10, a process of its Release build), on PostgreSQL and RabbitMQ: an owner makes a reading set and a
/// share link through the gateway; the link opens the set's de-identified study and nothing else; revoking it through the
/// gateway locks the reviewer out on the next request; the audit trail has the reviewer's requests.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ReviewServiceTests(GatewayFixture gateway)
{
    [Fact]
    public async Task ShareLink_MadeByOwner_OpensTheSetsStudyOnly_RevokedLocksOut_Audited()
    {
        var database = await LocalServers.CreateDatabaseAsync("gateway_review");
        var vhost = await LocalServers.CreateVirtualHostAsync("gateway_review");
        var objects = Directory.CreateTempSubdirectory("isocenter-gateway-review").FullName;
        await using (var source = NpgsqlDataSource.Create(database))
        {
            // The de-identification's tables (migration 0003, branch deid) as the contract defines them.
            await using var command = source.CreateCommand("""
                CREATE TABLE deid_key (reading_set_id uuid PRIMARY KEY, secret bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
                CREATE TABLE deid_mapping (reading_set_id uuid, kind text, original text, pseudonym text, PRIMARY KEY (reading_set_id, kind, original));
                """);
            await command.ExecuteNonQueryAsync();
        }
        await using var review = await ServiceProcess.StartAsync("services/review/Isocenter.Review", new Dictionary<string, string>
        {
            ["ConnectionStrings:Index"] = database,
            ["ConnectionStrings:RabbitMq"] = vhost.ToString(),
            ["ObjectStore:Kind"] = "FileSystem",
            ["ObjectStore:Root"] = objects,
            ["Review:ShareLinkKey"] = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]),
        });
        var reviewAddress = review.BaseAddress.ToString();
        var (study, other, copy) = ("1.2.840.99.30." + Random.Shared.NextInt64(), "1.2.840.99.31." + Random.Shared.NextInt64(), "2.25." + Random.Shared.NextInt64());
        await using var index = NpgsqlDataSource.Create(database);
        await new PostgresIndexStore(index, TimeProvider.System).UpsertAsync([Instance(study), Instance(other)], CancellationToken.None);
        await using var front = await gateway.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Index"] = database,
            ["Gateway:ReviewService"] = reviewAddress,
            ["Gateway:Admins:0"] = GatewayFixture.AdminName,
            ["ReverseProxy:Clusters:dicomweb:Destinations:dicomweb:Address"] = gateway.DicomWeb.Address,
            ["ReverseProxy:Clusters:review:Destinations:review:Address"] = reviewAddress,
            ["ReverseProxy:Routes:reading-sets:ClusterId"] = "review",
            ["ReverseProxy:Routes:reading-sets:Order"] = "-1",
            ["ReverseProxy:Routes:reading-sets:Match:Path"] = "/api/reading-sets/{**rest}",
            ["ReverseProxy:Routes:share-links:ClusterId"] = "review",
            ["ReverseProxy:Routes:share-links:Order"] = "-1",
            ["ReverseProxy:Routes:share-links:Match:Path"] = "/api/share-links/{**rest}",
            ["ReverseProxy:Routes:review:ClusterId"] = "review",
            ["ReverseProxy:Routes:review:Order"] = "-1",
            ["ReverseProxy:Routes:review:Match:Path"] = "/api/review/{**rest}",
        });
        using var owner = new HttpClient { BaseAddress = new Uri(front.Urls.First()) };
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gateway.Token("owner"));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = owner.BaseAddress };

        using var created = await owner.PostAsJsonAsync("/api/reading-sets", new JsonObject { ["name"] = "Gateway", ["studyInstanceUids"] = new JsonArray(study) });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var set = Guid.Parse((string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);
        // Plays the storage service's de-identification job: the study's copy is complete.
        await using (var completed = index.CreateCommand(
            "UPDATE reading_set_study SET state = 'completed', study_instance_uid = $1, total = 1, done = 1, updated_at = now() WHERE reading_set_id = $2"))
        {
            completed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = copy });
            completed.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = set });
            Assert.Equal(1, await completed.ExecuteNonQueryAsync());
        }
        for (var i = 0; i < 100 && (string?)(await owner.GetFromJsonAsync<JsonObject>($"/api/reading-sets/{set}"))!["state"] != "ready"; i++)
        {
            await Task.Delay(100);
        }
        using var shared = await owner.PostAsJsonAsync($"/api/reading-sets/{set}/share-links", new JsonObject { ["label"] = "Dr. X", ["expiresInHours"] = 1 });
        Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
        var link = (await shared.Content.ReadFromJsonAsync<JsonObject>())!;

        using (var landing = await browser.GetAsync((string)link["url"]!))
        {
            Assert.Equal(HttpStatusCode.SeeOther, landing.StatusCode);
        }
        using (var worklist = await browser.GetAsync("/api/review/worklist"))
        {
            Assert.Equal(HttpStatusCode.OK, worklist.StatusCode);
            var body = (await worklist.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(set.ToString(), (string?)body["readingSetId"]);
            Assert.Equal([copy], body["studies"]!.AsArray().Select(s => (string)s!["studyInstanceUid"]!));
        }
        using (var inScope = await browser.GetAsync($"/dicomweb/studies/{copy}/metadata"))
        using (var original = await browser.GetAsync($"/dicomweb/studies/{study}/metadata"))
        using (var sets = await browser.GetAsync("/api/reading-sets"))
        {
            Assert.Equal(HttpStatusCode.OK, inScope.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, original.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, sets.StatusCode);
        }

        using (var revoked = await owner.DeleteAsync($"/api/share-links/{link["id"]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        using (var after = await browser.GetAsync($"/dicomweb/studies/{copy}/metadata"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gateway.Token(GatewayFixture.AdminName));
        List<AuditRow> rows = [];
        for (var i = 0; i < 100 && rows.Count < 5; i++)
        {
            await Task.Delay(50);
            rows = (await owner.GetFromJsonAsync<List<AuditRow>>($"/api/audit?user=share:{link["id"]}"))!;
        }
        // Newest first: the refused /api/reading-sets, the two studies, the worklist, the landing (the request after the revocation is anonymous).
        Assert.Equal(["reading-set", "view", "view", "view", "login"], rows.Select(r => r.Action));
        Assert.Equal([403, 404, 200, 200, 303], rows.Select(r => r.Status));
        Assert.Contains(rows, r => r.StudyInstanceUid == copy && r.Status == 200);
        Directory.Delete(objects, recursive: true);
    }

    private static InstanceReceived Instance(string study)
    {
        var (series, sop) = (study + ".1", study + ".1.1");
        var header = new JsonObject
        {
            ["00080016"] = Element("UI", "1.2.840.10008.5.1.4.1.1.2"),
            ["00080018"] = Element("UI", sop),
            ["00080020"] = Element("DA", "20240102"),
            ["00080060"] = Element("CS", "CT"),
            ["00100010"] = new JsonObject { ["vr"] = "PN", ["Value"] = new JsonArray(new JsonObject { ["Alphabetic"] = "Doe^Jane" }) },
            ["00100020"] = Element("LO", "GW-" + study[^6..]),
            ["0020000D"] = Element("UI", study),
            ["0020000E"] = Element("UI", series),
        };
        return new InstanceReceived(study, series, sop, "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", $"instances/{study}/{series}/{sop}.dcm", 1000,
            new string('0', 64), header.ToJsonString(), null, DateTimeOffset.UnixEpoch);
    }

    private static JsonObject Element(string vr, string value) => new() { ["vr"] = vr, ["Value"] = new JsonArray(value) };
}
