using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Isocenter.Cli.Demo;
using Isocenter.Dicom;

namespace Isocenter.Pacs.Tests;

/// <summary>
/// The archive with its PACS service, as processes on a database, virtual host and object store folder of their own, and
/// "the hospital PACS": an Orthanc that knows ingest's AE title (ISOCENTER, for C-MOVE), preloaded with demo CT studies
/// (3 patients × 1 study × 2 series × 2 slices, 64×64) and registered as node <see cref="HospitalNode"/>. Shared by the test
/// classes of a collection; each test uses nodes of its own names, and retrieves into the archive only what it owns.
/// </summary>
public sealed class PacsArchive : IAsyncLifetime
{
    /// <summary>The hospital PACS's node name.</summary>
    public const string HospitalNode = "HOSPITAL";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-pacs-").FullName;

    public LocalArchive Running { get; private set; } = null!;

    /// <summary>The object store's folder (the filesystem store): objects are at <c>{ObjectsRoot}/{key}</c>.</summary>
    public string ObjectsRoot => Path.Combine(_folder, "objects");

    /// <summary>A client of the PACS service (relative URIs such as <c>api/dicom-nodes</c>).</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The hospital PACS.</summary>
    public OrthancServer Hospital { get; private set; } = null!;

    /// <summary>The demo files stored into it, by SOP Instance UID: the file and its dataset (without pixel data).</summary>
    public Dictionary<string, (string Path, DicomDataset Dataset)> Instances { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Running = await LocalArchive.StartAsync(new Dictionary<string, string> { ["ObjectStore:Kind"] = "FileSystem", ["ObjectStore:Root"] = ObjectsRoot },
            new Dictionary<string, string>
            {
                ["Pacs:Nodes:SEEDED:AETitle"] = "SEEDED",
                ["Pacs:Nodes:SEEDED:Host"] = "127.0.0.1",
                ["Pacs:Nodes:SEEDED:Port"] = "104",
                ["Pacs:Nodes:SEEDED:RetrieveMethod"] = "C-GET",
                ["Pacs:Nodes:SEEDED:Query"] = "false",
                ["Pacs:RetryDelay"] = "00:00:00.500",
            },
            withPacs: true);
        Client = new HttpClient { BaseAddress = Running.Pacs!.BaseAddress };
        Hospital = await StartPacsAsync(Path.Combine(_folder, "hospital"), patients: 3, idPrefix: "HOSP");
        await PutNodeAsync(HospitalNode, Hospital.DicomPort);
    }

    /// <summary>
    /// An Orthanc that knows ingest's AE title, holding demo CT studies (<paramref name="patients"/> × 1 study × 2 series × 2
    /// slices) written to <paramref name="folder"/> and added to <see cref="Instances"/>.
    /// </summary>
    public async Task<OrthancServer> StartPacsAsync(string folder, int patients, string idPrefix)
    {
        var orthanc = await OrthancServer.StartAsync(new Dictionary<string, object[]> { ["isocenter"] = [LocalArchive.AETitle, "127.0.0.1", Running.Port] });
        Assert.Equal(0, DemoCommand.Run(["--out", folder, "--patients", patients.ToString(System.Globalization.CultureInfo.InvariantCulture), "--studies", "1",
            "--series", "2", "--slices", "2", "--size", "64", "--seed", "7", "--id-prefix", idPrefix]));
        var files = Directory.GetFiles(folder, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var dataset = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
            Instances[dataset.GetString(DicomTag.SOPInstanceUID)!] = (file, dataset);
        }
        using var timeout = new CancellationTokenSource(Bound);
        var stored = await orthanc.Client().StoreAsync(files, cancellationToken: timeout.Token);
        Assert.All(stored, s => Assert.True(s.Succeeded, s.ToString()));
        return orthanc;
    }

    /// <summary>Registers (or replaces) node <paramref name="name"/>: AE title ORTHANC at 127.0.0.1:<paramref name="port"/>.</summary>
    public async Task PutNodeAsync(string name, int port, string retrieveMethod = "C-MOVE", string aeTitle = "ORTHANC")
    {
        using var response = await Client.PutAsJsonAsync($"api/dicom-nodes/{name}",
            new JsonObject { ["aeTitle"] = aeTitle, ["host"] = "127.0.0.1", ["port"] = port, ["retrieveMethod"] = retrieveMethod });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The demo instances of study <paramref name="studyInstanceUid"/>.</summary>
    public IEnumerable<KeyValuePair<string, (string Path, DicomDataset Dataset)>> InstancesOf(string studyInstanceUid) =>
        Instances.Where(i => i.Value.Dataset.GetString(DicomTag.StudyInstanceUID) == studyInstanceUid);

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Hospital.DisposeAsync();
        await Running.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The test classes that share one <see cref="PacsArchive"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PacsCollection : ICollectionFixture<PacsArchive>
{
    public const string Name = "PACS archive";
}
