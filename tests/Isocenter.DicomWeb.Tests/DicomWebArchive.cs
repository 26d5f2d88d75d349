using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.DicomWeb.Tests;

/// <summary>
/// The archive with its DICOMweb service, as processes on a database, virtual host and object store folder of their own,
/// holding demo CT studies stored through C-STORE (2 patients × 2 studies × 2 series × 3 slices, 64×64, explicit VR little
/// endian) and indexed. Shared by the test classes of a collection; tests that write (STOW, DELETE) use studies of their own.
/// </summary>
public sealed class DicomWebArchive : IAsyncLifetime
{
    private static readonly TimeSpan IndexBound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-dicomweb-").FullName;

    public LocalArchive Running { get; private set; } = null!;

    /// <summary>The demo files stored, by SOP Instance UID: the file and its dataset (without pixel data).</summary>
    public Dictionary<string, (string Path, DicomDataset Dataset)> Instances { get; } = new(StringComparer.Ordinal);

    /// <summary>The folder of the file system object store the services share: an object's key is its path under it.</summary>
    public string ObjectStoreRoot => Path.Combine(_folder, "objects");

    /// <summary>A client of the service's DICOMweb root (<c>…/dicomweb/</c>): relative URIs such as <c>studies?PatientID=X</c>.</summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Running = await LocalArchive.StartAsync(new Dictionary<string, string> { ["ObjectStore:Kind"] = "FileSystem", ["ObjectStore:Root"] = ObjectStoreRoot },
            withDicomWeb: true);
        Client = new HttpClient { BaseAddress = new Uri(Running.DicomWeb!.BaseAddress, "dicomweb/") };

        var demo = Path.Combine(_folder, "demo");
        Assert.Equal(0, DemoCommand.Run(["--out", demo, "--patients", "2", "--studies", "2", "--series", "2", "--slices", "3", "--size", "64", "--seed", "11"]));
        var files = Directory.GetFiles(demo, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var dataset = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
            Instances[dataset.GetString(DicomTag.SOPInstanceUID)!] = (file, dataset);
        }
        using var timeout = new CancellationTokenSource(IndexBound);
        var client = new DicomClient("127.0.0.1", Running.Port, new DicomClientOptions { CalledAETitle = LocalArchive.AETitle, CallingAETitle = "DICOMWEBTESTS" });
        var stored = await client.StoreAsync(files, cancellationToken: timeout.Token);
        Assert.All(stored, s => Assert.Equal((ushort)0, s.Status));
        var indexed = await Running.WaitIndexedAsync(Instances.Keys, IndexBound);
        Assert.True(Instances.Keys.All(indexed.Contains), $"not indexed within {IndexBound.TotalSeconds} s:\n{Running.Storage.Log}");
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Running.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The test classes that share one <see cref="DicomWebArchive"/>.</summary>
[CollectionDefinition(Name)]
public sealed class DicomWebCollection : ICollectionFixture<DicomWebArchive>
{
    public const string Name = "DICOMweb archive";
}
