using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Isocenter.Dicom;

namespace Isocenter.Pacs.Tests;

/// <summary>Sending studies to nodes (C-STORE SCU): <c>/api/sends</c>.</summary>
[Collection(PacsCollection.Name)]
public sealed class SendTests(PacsArchive archive) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-send-").FullName;

    [Fact]
    public async Task Send_StudyToStorescp_EveryInstanceArrivesByteIdentical()
    {
        var (study, files) = SendPeers.WriteStudy(Path.Combine(_folder, "study"), 4);
        await SendPeers.StoreAsync(archive.Running, files.Values, "SENDTEST");
        await archive.Running.WaitIndexedAsync(files.Keys, SendPeers.Bound);
        var received = Directory.CreateDirectory(Path.Combine(_folder, "storescp")).FullName;
        await using var storescp = await Storescp.StartAsync(received);
        await SendPeers.PutNodeAsync(archive.Client, "SEND-STORESCP", "STORESCP", storescp.Port);

        var send = await SendAndWaitAsync("SEND-STORESCP", study);

        Assert.Equal("completed", (string?)send["state"]);
        Assert.Equal(4, (int?)send["total"]);
        Assert.Equal(4, (int?)send["completed"]);
        Assert.Empty(send["failedInstances"]!.AsArray());
        SendPeers.AssertReceived(received, files);
    }

    [Fact]
    public async Task Send_StudyToOrthanc_EveryInstanceArrivesByteIdentical()
    {
        var (study, files) = SendPeers.WriteStudy(Path.Combine(_folder, "study"), 3);
        await SendPeers.StoreAsync(archive.Running, files.Values, "SENDTEST");
        await archive.Running.WaitIndexedAsync(files.Keys, SendPeers.Bound);
        await using var orthanc = await OrthancServer.StartAsync();
        await SendPeers.PutNodeAsync(archive.Client, "SEND-ORTHANC", "ORTHANC", orthanc.DicomPort);

        var send = await SendAndWaitAsync("SEND-ORTHANC", study);

        Assert.Equal("completed", (string?)send["state"]);
        Assert.Equal(3, (int?)send["completed"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{orthanc.HttpPort}/") };
        foreach (var (uid, file) in files)
        {
            using var lookup = await http.PostAsync("tools/lookup", new StringContent(uid));
            var id = (string?)(await lookup.Content.ReadFromJsonAsync<JsonArray>())!.Single()!["ID"];
            var stored = Path.Combine(_folder, $"{uid}.dcm");
            await File.WriteAllBytesAsync(stored, await http.GetByteArrayAsync($"instances/{id}/file"));
            Assert.True(Part10.DataSet(file).AsSpan().SequenceEqual(Part10.DataSet(stored)), $"{uid}: Orthanc stored a different dataset");
        }
    }

    [Fact]
    public async Task Send_WithCommitToOrthanc_EndsCommitted()
    {
        var (study, files) = SendPeers.WriteStudy(Path.Combine(_folder, "study"), 2);
        await SendPeers.StoreAsync(archive.Running, files.Values, "SENDTEST");
        await archive.Running.WaitIndexedAsync(files.Keys, SendPeers.Bound);
        // Orthanc reports storage commitment on an association of its own to the AE title that asked: ours, at ingest's port.
        await using var orthanc = await OrthancServer.StartAsync(new Dictionary<string, object[]> { ["isocenter"] = [LocalArchive.AETitle, "127.0.0.1", archive.Running.Port] });
        await SendPeers.PutNodeAsync(archive.Client, "SEND-COMMIT", "ORTHANC", orthanc.DicomPort);

        var send = await SendAndWaitAsync("SEND-COMMIT", study, commit: true);

        Assert.True((string?)send["state"] == "committed", send.ToJsonString());
        Assert.Equal(2, (int?)send["completed"]);
    }

    [Fact]
    public async Task Send_SeriesToANodeThatIsDown_FailsAfterThreeAttemptsSayingWhy()
    {
        var (study, files) = SendPeers.WriteStudy(Path.Combine(_folder, "study"), 1);
        await SendPeers.StoreAsync(archive.Running, files.Values, "SENDTEST");
        await archive.Running.WaitIndexedAsync(files.Keys, SendPeers.Bound);
        var series = DicomFile.Open(files.Values.Single()).Dataset.GetString(DicomTag.SeriesInstanceUID)!;
        var port = Dcmtk.FreePort(); // nothing listens there
        await SendPeers.PutNodeAsync(archive.Client, "SEND-DOWN", "DOWN", port);

        var send = await SendAndWaitAsync("SEND-DOWN", study, series: series);

        Assert.Equal("failed", (string?)send["state"]);
        Assert.Equal(series, (string?)send["seriesInstanceUid"]);
        Assert.Equal(3, (int?)send["attempts"]);
        Assert.Equal(0, (int?)send["completed"]);
        Assert.Contains($"Nothing accepts connections at 127.0.0.1:{port}", (string?)send["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NodeNotStoreTo_400()
    {
        await SendPeers.PutNodeAsync(archive.Client, "SEND-READONLY", "READONLY", 104, storeTo: false);

        using var response = await archive.Client.PostAsJsonAsync("api/sends", new JsonObject { ["node"] = "SEND-READONLY", ["studyInstanceUid"] = "1.2.3" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("storeTo", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"], StringComparison.Ordinal);
    }

    // POST /api/sends, then GET its Location until it has finished (bounded); with commit, until the commitment report has come.
    private async Task<JsonObject> SendAndWaitAsync(string node, string study, bool commit = false, string? series = null)
    {
        using var started = await archive.Client.PostAsJsonAsync("api/sends",
            new JsonObject { ["node"] = node, ["studyInstanceUid"] = study, ["seriesInstanceUid"] = series, ["commit"] = commit });
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var location = started.Headers.Location!.OriginalString.TrimStart('/');
        using var timeout = new CancellationTokenSource(SendPeers.Bound);
        while (true)
        {
            var send = (await archive.Client.GetFromJsonAsync<JsonObject>(location, timeout.Token))!;
            if ((string?)send["state"] is "committed" or "partial" or "failed" || (!commit && (string?)send["state"] == "completed"))
            {
                return send;
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
