using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Isocenter.Dicom;

namespace Isocenter.Pacs.Tests;

/// <summary>
/// <c>/api/retrievals</c> against real peers: a study of the hospital PACS (Orthanc) retrieved by C-MOVE and by C-GET into
/// the archive, every instance's dataset byte-identical to the file Orthanc was sent, each series' volume then prepared; C-GET from a peer without it
/// (storescp); on-demand lookup among two PACS; retries of an unreachable node, during which asking again returns the same
/// retrieval.
/// </summary>
[Collection(PacsCollection.Name)]
public sealed class RetrievalTests(PacsArchive archive) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TestPeers _peers = new("isocenter-pacs-retrieve-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _peers.StopAsync();

    private async Task<(HttpResponseMessage Response, JsonObject Retrieval)> PostAsync(JsonObject body)
    {
        var response = await archive.Client.PostAsJsonAsync("api/retrievals", body);
        return (response, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    // Polls the retrieval until it is completed, partial or failed (bounded).
    private async Task<JsonObject> FinishedAsync(string id)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            var retrieval = (await archive.Client.GetFromJsonAsync<JsonObject>($"api/retrievals/{id}", timeout.Token))!;
            if (retrieval["state"]!.GetValue<string>() is "completed" or "partial" or "failed")
            {
                return retrieval;
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    // Every demo instance of the study is in the object store with the dataset Orthanc was sent, and indexed.
    private async Task AssertRetrievedAsync(string study)
    {
        var instances = archive.InstancesOf(study).ToList();
        Assert.Equal(4, instances.Count);
        foreach (var (sop, (path, dataset)) in instances)
        {
            var stored = Path.Combine(archive.ObjectsRoot, "instances", study, dataset.GetString(DicomTag.SeriesInstanceUID)!, sop + ".dcm");
            Assert.True(File.Exists(stored), $"{stored} is not in the object store");
            Assert.True(Part10.DataSet(path).AsSpan().SequenceEqual(Part10.DataSet(stored)), $"{sop}: the archive holds a different dataset than the one sent to the PACS");
        }
        var indexed = await archive.Running.WaitIndexedAsync([.. instances.Select(i => i.Key)], Bound);
        Assert.All(instances, i => Assert.Contains(i.Key, indexed));
    }

    private static void AssertCompleted(JsonObject retrieval)
    {
        Assert.True(retrieval["state"]!.GetValue<string>() == "completed", retrieval.ToJsonString());
        var series = retrieval["series"]!.AsArray();
        Assert.Equal(2, series.Count);
        Assert.All(series, s =>
        {
            Assert.Equal("completed", s!["state"]!.GetValue<string>());
            Assert.Equal(2, s["expected"]!.GetValue<int>());
            Assert.Equal(2, s["completed"]!.GetValue<int>());
            Assert.Equal(0, s["failed"]!.GetValue<int>());
            Assert.Equal("CT", s["modality"]!.GetValue<string>());
        });
        Assert.Empty(retrieval["failedInstances"]!.AsArray());
        Assert.Null(retrieval["error"]);
        Assert.Equal(1, retrieval["attempts"]!.GetValue<int>());
    }

    private string HospitalStudy(int index) => archive.Instances.Values
        .Where(i => i.Dataset.GetString(DicomTag.PatientID)!.StartsWith("HOSP", StringComparison.Ordinal))
        .Select(i => i.Dataset.GetString(DicomTag.StudyInstanceUID)!).Distinct().Order(StringComparer.Ordinal).ElementAt(index);

    [Theory]
    [InlineData("C-MOVE", 0)]
    [InlineData("C-GET", 1)]
    public async Task Retrieve_StudyFromOrthanc_EveryInstanceByteIdentical(string method, int study)
    {
        var uid = HospitalStudy(study);

        var (response, started) = await PostAsync(new JsonObject { ["studyInstanceUid"] = uid, ["node"] = PacsArchive.HospitalNode, ["method"] = method });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/retrievals/{started["id"]}", response.Headers.Location?.OriginalString);
        Assert.Equal(method, started["method"]!.GetValue<string>());
        var finished = await FinishedAsync(started["id"]!.GetValue<string>());
        AssertCompleted(finished);
        Assert.Equal(uid, finished["studyInstanceUid"]!.GetValue<string>());
        await AssertRetrievedAsync(uid);
        // Once each retrieved series is stable, the render service is asked to prepare its volume.
        foreach (var series in archive.InstancesOf(uid).Select(i => i.Value.Dataset.GetString(DicomTag.SeriesInstanceUID)!).Distinct())
        {
            await archive.Running.Pacs!.WaitForLogAsync(new Regex($"Series {Regex.Escape(series)} of study {Regex.Escape(uid)} was retrieved and is stable"), Bound);
        }
        var listed = (await archive.Client.GetFromJsonAsync<JsonArray>($"api/retrievals?StudyInstanceUID={uid}"))!;
        Assert.Equal(started["id"]!.GetValue<string>(), Assert.Single(listed)!["id"]!.GetValue<string>());
        response.Dispose();
    }

    [Fact]
    public async Task Retrieve_CGetFromStorescp_FailsSayingSetCMove()
    {
        var storescp = _peers.Add(await Storescp.StartAsync(_peers.Folder));
        var port = storescp.Port;
        await archive.PutNodeAsync("RETRIEVE-STORESCP", port, retrieveMethod: "C-GET", aeTitle: "STORESCP");

        var (response, started) = await PostAsync(new JsonObject { ["studyInstanceUid"] = "2.25.1234", ["node"] = "RETRIEVE-STORESCP" });
        var finished = await FinishedAsync(started["id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("failed", finished["state"]!.GetValue<string>());
        Assert.Equal("The node 'RETRIEVE-STORESCP' does not support C-GET: set its retrieve method to C-MOVE.", finished["error"]!.GetValue<string>());
        Assert.Equal(1, finished["attempts"]!.GetValue<int>()); // a missing service is not retried
        response.Dispose();
    }

    [Fact]
    public async Task Retrieve_WithoutNode_FoundInTheOneOfTwoPacsThatHasIt_ElseNotFound404()
    {
        var other = _peers.Add(await archive.StartPacsAsync(Path.Combine(_peers.Folder, "other"), patients: 1, idPrefix: "OTHER"));
        await archive.PutNodeAsync("OTHER-PACS", other.DicomPort);
        var study = archive.Instances.Values.First(i => i.Dataset.GetString(DicomTag.PatientID)!.StartsWith("OTHER", StringComparison.Ordinal)).Dataset
            .GetString(DicomTag.StudyInstanceUID)!;

        var (response, started) = await PostAsync(new JsonObject { ["studyInstanceUid"] = study });
        var (missing, problem) = await PostAsync(new JsonObject { ["studyInstanceUid"] = "2.25.99887766" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("OTHER-PACS", started["node"]!.GetValue<string>());
        Assert.Equal("C-MOVE", started["method"]!.GetValue<string>());
        AssertCompleted(await FinishedAsync(started["id"]!.GetValue<string>()));
        await AssertRetrievedAsync(study);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.StartsWith("Study 2.25.99887766 is in no configured PACS (asked: ", detail, StringComparison.Ordinal);
        Assert.Contains(PacsArchive.HospitalNode, detail, StringComparison.Ordinal);
        Assert.Contains("OTHER-PACS", detail, StringComparison.Ordinal);
        response.Dispose();
        missing.Dispose();
    }

    [Fact]
    public async Task Retrieve_NodeDown_SameRetrievalWhileRetrying_FailsAfterThreeAttempts()
    {
        var port = Dcmtk.FreePort();
        await archive.PutNodeAsync("RETRIEVE-DOWN", port);

        var (first, started) = await PostAsync(new JsonObject { ["studyInstanceUid"] = "2.25.4321", ["node"] = "RETRIEVE-DOWN" });
        var (again, same) = await PostAsync(new JsonObject { ["studyInstanceUid"] = "2.25.4321", ["node"] = "RETRIEVE-DOWN" });
        var finished = await FinishedAsync(started["id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(started["id"]!.GetValue<string>(), same["id"]!.GetValue<string>());
        Assert.Equal("failed", finished["state"]!.GetValue<string>());
        Assert.Equal(3, finished["attempts"]!.GetValue<int>());
        Assert.Equal($"Nothing accepts connections at 127.0.0.1:{port} (connection refused): check the node's host and port, and that the PACS is running. (tried 3 times)",
            finished["error"]!.GetValue<string>());
        first.Dispose();
        again.Dispose();
    }
}
