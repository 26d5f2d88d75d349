using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Isocenter.Pacs.Tests;

/// <summary>Auto-forward rules: <c>/api/forward-rules</c>, and received instances forwarded to a node that may be down.</summary>
[Collection(PacsCollection.Name)]
public sealed class ForwardTests(PacsArchive archive) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-forward-").FullName;

    [Fact]
    public async Task Forward_PeerStoppedForAMinute_EveryMatchingInstanceArrivesAfterItRestarts()
    {
        var received = Directory.CreateDirectory(Path.Combine(_folder, "storescp")).FullName;
        int port;
        await using (var first = await Storescp.StartAsync(received))
        {
            port = first.Port; // the peer was up once, and is down from here
        }
        await SendPeers.PutNodeAsync(archive.Client, "FWD-STORESCP", "STORESCP", port);
        await PutRuleAsync("fwd-ct", new JsonObject { ["node"] = "FWD-STORESCP", ["callingAETitle"] = "FWDTEST", ["modality"] = "CT" }, HttpStatusCode.Created);
        var (_, files) = SendPeers.WriteStudy(Path.Combine(_folder, "forwarded"), 5);
        var (_, other) = SendPeers.WriteStudy(Path.Combine(_folder, "other"), 1);

        await SendPeers.StoreAsync(archive.Running, files.Values, "FWDTEST");
        await SendPeers.StoreAsync(archive.Running, other.Values, "OTHERAE"); // matches no rule
        await Task.Delay(TimeSpan.FromSeconds(60));
        await using var storescp = await Storescp.StartAsync(received, port);
        using var timeout = new CancellationTokenSource(SendPeers.Bound);
        while (Directory.GetFiles(received).Length < files.Count)
        {
            await Task.Delay(200, timeout.Token);
        }
        await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token); // the last file written whole
        SendPeers.AssertReceived(received, files);
        var log = archive.Running.Pacs!.Log;
        Assert.All(files.Keys, uid => Assert.Contains($"Forwarded {uid} to FWD-STORESCP after ", log, StringComparison.Ordinal)); // retried, not sent at once
        Assert.Contains("FWD-STORESCP: still failing after", log, StringComparison.Ordinal); // held past Pacs:Forward:HoldFor, queued again
    }

    [Fact]
    public async Task Rules_PutGetReplaceListDelete_AndInvalidOnes400()
    {
        await SendPeers.PutNodeAsync(archive.Client, "RULE-NODE", "RULENODE", 104);
        await SendPeers.PutNodeAsync(archive.Client, "RULE-READONLY", "READONLY", 104, storeTo: false);

        await PutRuleAsync("rule-1", new JsonObject { ["node"] = "RULE-NODE", ["modality"] = "MR" }, HttpStatusCode.Created);
        await PutRuleAsync("rule-1", new JsonObject { ["name"] = "rule-1", ["node"] = "RULE-NODE", ["sopClassUid"] = "1.2.840.10008.5.1.4.1.1.2", ["enabled"] = false }, HttpStatusCode.OK);
        var stored = await archive.Client.GetFromJsonAsync<JsonObject>("api/forward-rules/rule-1");
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["name"] = "rule-1",
            ["node"] = "RULE-NODE",
            ["callingAETitle"] = null,
            ["modality"] = null,
            ["sopClassUid"] = "1.2.840.10008.5.1.4.1.1.2",
            ["enabled"] = false,
        }, stored), stored?.ToJsonString());
        Assert.Contains((await archive.Client.GetFromJsonAsync<JsonArray>("api/forward-rules"))!, r => (string?)r!["name"] == "rule-1");

        var invalid = await PutRuleAsync("rule-2", new JsonObject { ["node"] = "RULE-READONLY", ["modality"] = "ct", ["sopClassUid"] = "x" }, HttpStatusCode.BadRequest);
        Assert.Equal(["modality", "node", "sopClassUid"], invalid["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("storeTo", (string?)invalid["errors"]!["node"]![0], StringComparison.Ordinal);
        var unknownNode = await PutRuleAsync("rule-2", new JsonObject { ["node"] = "NO-SUCH-NODE" }, HttpStatusCode.BadRequest);
        Assert.Contains("'NO-SUCH-NODE'", (string?)unknownNode["errors"]!["node"]![0], StringComparison.Ordinal);

        using var deleted = await archive.Client.DeleteAsync("api/forward-rules/rule-1");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await archive.Client.GetAsync("api/forward-rules/rule-1");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private async Task<JsonObject> PutRuleAsync(string name, JsonObject rule, HttpStatusCode expected)
    {
        using var response = await archive.Client.PutAsJsonAsync($"api/forward-rules/{name}", rule);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
