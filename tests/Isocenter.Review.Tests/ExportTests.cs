using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Isocenter.Contracts.Render;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Isocenter.Review.Tests;

/// <summary>The owner's exports (CSV, Basic Text SR stored and indexed) and the gateway's prepare call.</summary>
[Collection(ReviewCollection.Name)]
public sealed class ExportTests(ReviewArchive archive)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Csv_OneRowPerFinding_Rfc4180Quoted_FormulasGuarded()
    {
        var studies = archive.Studies.Keys.Order(StringComparer.Ordinal).ToList();
        var id = Guid.Parse((string)(await archive.CreateReadySetAsync("olga", studies, new JsonObject { ["name"] = "Wrist, \"pilot\"", ["form"] = ReviewTests.Form() }))["id"]!);
        using var owner = archive.Review.Client("olga");
        var link = (await (await owner.PostAsJsonAsync($"api/reading-sets/{id}/share-links", new JsonObject { ["label"] = "Dr. A" })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var shared = archive.Review.Client($"share:{link["id"]}", shareReadingSet: id);
        (await owner.PostAsJsonAsync($"api/reading-sets/{id}/reviewers", new JsonObject { ["subject"] = "pete" })).Dispose();
        using var pete = archive.Review.Client("pete");
        (await shared.PutAsJsonAsync($"api/review/findings/{studies[0]}", new JsonObject
        {
            ["values"] = new JsonObject { ["diagnosis"] = "=cmd|' /C calc'!A0", ["severity"] = 2.5 },
            ["comment"] = "two lines,\nand \"quotes\"",
            ["complete"] = true,
        })).EnsureSuccessStatusCode();
        (await pete.PutAsJsonAsync($"api/review/findings/{studies[1]}?readingSet={id}", new JsonObject { ["values"] = new JsonObject { ["notes"] = "@SUM(A1)" } })).EnsureSuccessStatusCode();

        using var response = await owner.GetAsync($"api/reading-sets/{id}/findings.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal("reading_set,reviewer,case,study_instance_uid,diagnosis,severity,notes,comment,complete,updated_at", lines[0]);
        Assert.StartsWith($"\"Wrist, \"\"pilot\"\"\",Dr. A,Case 1,{studies[0]},'=cmd|' /C calc'!A0,2.5,,\"two lines,\nand \"\"quotes\"\"\",true,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"\"Wrist, \"\"pilot\"\"\",pete,Case 2,{studies[1]},,,'@SUM(A1),,false,", lines[2], StringComparison.Ordinal);
        Assert.Equal([""], lines[3..]); // the last row ends with CRLF, and nothing follows
        using var stranger = archive.Review.Client("quinn");
        using var refused = await stranger.GetAsync($"api/reading-sets/{id}/findings.csv");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task Sr_OnePerCompleteFinding_InTheStudy_IndexedAtOnce_ParsesInDcmdump()
    {
        var (study, patientId) = archive.ExportStudy;
        var service = archive.Connected; // the storage service indexes what it stores
        var id = Guid.Parse((string)(await service.CreateSetAsync("rita", [study], new JsonObject { ["form"] = ReviewTests.Form() }))["id"]!);
        await service.PublishAsync(new StudyDeidentificationChanged(id, study, study, "completed", 2, 2, [], null));
        await service.WaitForStateAsync("rita", id, "ready");
        using var owner = service.Client("rita");
        (await owner.PutAsJsonAsync($"api/review/findings/{study}?readingSet={id}", new JsonObject
        {
            ["values"] = new JsonObject { ["diagnosis"] = "fracture", ["severity"] = 7, ["notes"] = "Distal radius, dorsal tilt" },
            ["comment"] = "Recommend CT follow-up",
            ["complete"] = true,
        })).EnsureSuccessStatusCode();

        using var response = await owner.PostAsync($"api/reading-sets/{id}/findings/sr", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var instance = (await response.Content.ReadFromJsonAsync<JsonObject>())!["instances"]!.AsArray().Single()!;
        Assert.Equal(study, (string?)instance["studyInstanceUid"]);
        var (series, sop) = ((string)instance["seriesInstanceUid"]!, (string)instance["sopInstanceUid"]!);
        Assert.Contains(sop, await archive.Running.IndexedAsync()); // indexed before the answer: no wait
        var file = Path.Combine(archive.ObjectsRoot, "instances", study, series, sop + ".dcm");
        var dump = await Dcmtk.RunAsync("dcmdump", ["-M", "+U8", file]);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        foreach (var expected in new[] { "=BasicTextSRStorage", "18748-4", "Diagnostic imaging report", "CONTAINER", "[Findings]", "[SR]",
            "[fracture]", "Distal radius, dorsal tilt", "[7]", "Recommend CT follow-up", $"[{patientId}]", "[COMPLETE]" })
        {
            Assert.Contains(expected, dump.Output, StringComparison.Ordinal);
        }
        var dataset = DicomFile.Open(file).Dataset;
        Assert.Equal(study, dataset.GetString(DicomTag.StudyInstanceUID));
        Assert.Equal(["CODE", "TEXT", "TEXT", "TEXT"], dataset.GetSequence(DicomTag.ContentSequence)!.Items.Select(i => i.GetString(DicomTag.ValueType)!));

        using var again = await owner.PostAsync($"api/reading-sets/{id}/findings/sr", null);
        Assert.Equal(sop, (string?)(await again.Content.ReadFromJsonAsync<JsonObject>())!["instances"]![0]!["sopInstanceUid"]); // the same instance, rewritten
    }

    [Fact]
    public async Task Prepare_PublishesPrepareVolumeForTheStudysVolumes_UnknownStudy404()
    {
        var study = archive.Studies.Keys.Order(StringComparer.Ordinal).First();
        var received = new TaskCompletionSource<PrepareVolume>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = archive.Review.App.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint($"review-tests-prepare-{Guid.NewGuid():N}",
            e => e.Handler<PrepareVolume>(context =>
            {
                received.TrySetResult(context.Message);
                return Task.CompletedTask;
            }));
        await handle.Ready;
        using var client = new HttpClient { BaseAddress = archive.Review.BaseAddress };

        using var response = await client.PostAsync($"internal/prepare?StudyInstanceUID={study}", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var series = (await response.Content.ReadFromJsonAsync<JsonObject>())!["seriesInstanceUids"]!.AsArray().Single()!.GetValue<string>();
        Assert.Equal(new PrepareVolume(study, series), await received.Task.WaitAsync(Bound));
        await handle.StopAsync();
        using var unknown = await client.PostAsync("internal/prepare?StudyInstanceUID=1.2.3.4", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
