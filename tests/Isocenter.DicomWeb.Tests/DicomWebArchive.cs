using System.Security.Cryptography;
using System.Text;
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

    /// <summary>The object store's folder (the filesystem store): objects are at <c>{ObjectsRoot}/{key}</c>.</summary>
    public string ObjectsRoot => Path.Combine(_folder, "objects");

    /// <summary>The demo files stored, by SOP Instance UID: the file and its dataset (without pixel data).</summary>
    public Dictionary<string, (string Path, DicomDataset Dataset)> Instances { get; } = new(StringComparer.Ordinal);

    /// <summary>The gateway in front of the DICOMweb service: every test request goes through it, as a client's would.</summary>
    public ServiceProcess Gateway { get; private set; } = null!;

    /// <summary>The API key the gateway knows the tests by (header <c>X-Api-Key</c>).</summary>
    public string ApiKey { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A client of the DICOMweb root through the gateway (<c>…/dicomweb/</c>, with <see cref="ApiKey"/>): relative URIs such
    /// as <c>studies?PatientID=X</c>.
    /// </summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Running = await LocalArchive.StartAsync(new Dictionary<string, string> { ["ObjectStore:Kind"] = "FileSystem", ["ObjectStore:Root"] = ObjectsRoot },
            withDicomWeb: true);
        Gateway = await StartGatewayAsync(Running.DicomWeb!.BaseAddress);
        Client = new HttpClient { BaseAddress = new Uri(Gateway.BaseAddress, "dicomweb/") };
        Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

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

    private Task<ServiceProcess> StartGatewayAsync(Uri dicomWeb) => ServiceProcess.StartAsync("gateway/Isocenter.Gateway", new Dictionary<string, string>
    {
        ["Gateway:ApiKeys:0:Name"] = "conformance-tests",
        ["Gateway:ApiKeys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(ApiKey))),
        ["Gateway:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        ["Gateway:RateLimit:PermitLimit"] = "1000000",
        ["ReverseProxy:Clusters:dicomweb:Destinations:dicomweb:Address"] = dicomWeb.ToString(),
    });

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
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
