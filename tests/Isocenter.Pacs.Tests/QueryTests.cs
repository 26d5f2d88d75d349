using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;

namespace Isocenter.Pacs.Tests;

/// <summary>
/// <c>GET /api/dicom-nodes/{name}/studies</c> and <c>…/series</c> against the hospital PACS (Orthanc), compared with what
/// DCMTK findscu gets for the same keys.
/// </summary>
[Collection(PacsCollection.Name)]
public sealed class QueryTests(PacsArchive archive) : IDisposable
{
    private static readonly DicomTag[] Compared =
        [DicomTag.StudyInstanceUID, DicomTag.PatientName, DicomTag.PatientID, DicomTag.StudyDate, DicomTag.StudyDescription, DicomTag.NumberOfStudyRelatedInstances];

    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-pacs-findscu-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<List<DicomDataset>> SearchAsync(string resource)
    {
        using var response = await archive.Client.GetAsync(resource);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return DicomJson.DeserializeList(await response.Content.ReadAsStringAsync());
    }

    // findscu's study-level matches for the keys (and PatientID when given), each extracted to a file (-X).
    private async Task<List<DicomDataset>> FindscuAsync(string? patientId)
    {
        List<string> keys = ["-k", "QueryRetrieveLevel=STUDY", .. Compared.SelectMany(tag => new[] { "-k", DicomDictionary.Find(tag)!.Keyword })];
        if (patientId is not null)
        {
            keys.AddRange(["-k", $"PatientID={patientId}"]);
        }
        var run = await Dcmtk.RunAsync("findscu", ["-S", "-aet", "FINDSCU", "-aec", "ORTHANC", "-X", "-od", _folder, .. keys,
            "127.0.0.1", archive.Hospital.DicomPort.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return [.. Directory.GetFiles(_folder, "rsp*.dcm").Select(file => DicomFile.Open(file).Dataset)];
    }

    private static List<string> Rows(IEnumerable<DicomDataset> matches) =>
        [.. matches.Select(m => string.Join(" | ", Compared.Select(tag => m.GetString(tag)?.Trim() ?? "(absent)"))).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Studies_AllAndByPatientID_SameAsFindscu()
    {
        var all = await SearchAsync($"api/dicom-nodes/{PacsArchive.HospitalNode}/studies");
        var expected = Rows(await FindscuAsync(null));
        Assert.Equal(3, expected.Count);
        Assert.Equal(expected, Rows(all));

        foreach (var file in Directory.GetFiles(_folder))
        {
            File.Delete(file);
        }
        var patientId = all[0].GetString(DicomTag.PatientID)!;
        var one = await SearchAsync($"api/dicom-nodes/{PacsArchive.HospitalNode}/studies?PatientID={patientId}");
        Assert.Equal(Rows(await FindscuAsync(patientId)), Rows(one));
        Assert.Single(one);
        Assert.Equal("CT", one[0].GetString(DicomTag.ModalitiesInStudy));
    }

    [Fact]
    public async Task Series_OfAStudy_EveryDemoSeriesWithItsCount()
    {
        var study = archive.InstancesOf(archive.Instances.Values.First().Dataset.GetString(DicomTag.StudyInstanceUID)!).ToList();
        var studyUid = study[0].Value.Dataset.GetString(DicomTag.StudyInstanceUID)!;

        var series = await SearchAsync($"api/dicom-nodes/{PacsArchive.HospitalNode}/studies/{studyUid}/series");

        Assert.Equal(study.Select(i => i.Value.Dataset.GetString(DicomTag.SeriesInstanceUID)!).Distinct().Order(StringComparer.Ordinal),
            series.Select(s => s.GetString(DicomTag.SeriesInstanceUID)!).Order(StringComparer.Ordinal));
        Assert.All(series, s => Assert.Equal("2", s.GetString(DicomTag.NumberOfSeriesRelatedInstances)));
        Assert.All(series, s => Assert.Equal("CT", s.GetString(DicomTag.Modality)));
    }

    [Fact]
    public async Task Studies_Limit_CutsTheAnswer()
    {
        Assert.Single(await SearchAsync($"api/dicom-nodes/{PacsArchive.HospitalNode}/studies?limit=1"));
    }

    [Fact]
    public async Task Studies_UnknownNode404_UnknownParameter400_PeerDown502Refused()
    {
        using var unknown = await archive.Client.GetAsync("api/dicom-nodes/NO-SUCH-NODE/studies");
        using var typo = await archive.Client.GetAsync($"api/dicom-nodes/{PacsArchive.HospitalNode}/studies?PatientNmae=X");
        await archive.PutNodeAsync("QUERY-DOWN", Dcmtk.FreePort());
        using var down = await archive.Client.GetAsync("api/dicom-nodes/QUERY-DOWN/studies");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("'PatientNmae'", (await typo.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        var problem = (await down.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("refused", problem["problem"]!.GetValue<string>());
        Assert.StartsWith("Nothing accepts connections at 127.0.0.1:", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
