using Isocenter.Cli.Demo;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Dicom.Network.Tests.Peers;

/// <summary>
/// An Orthanc (<see cref="OrthancServer"/>) with our listener as the C-MOVE destination ISOLISTEN; three demo CT studies
/// (two slices each, from <c>isocenter demo</c>) stored into it with our C-STORE SCU. Stopped when the tests end.
/// </summary>
public sealed class OrthancFixture : IAsyncLifetime
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = TestFiles.NewDirectory();
    private OrthancServer? _orthanc;

    /// <summary>Our storage SCP, known to Orthanc as ISOLISTEN.</summary>
    internal ReceivingServer Listener { get; } = new(o => o with { AETitles = ["ISOLISTEN"] });

    public int Port => _orthanc!.DicomPort;

    /// <summary>The demo instances stored, by SOP Instance UID: the file and its dataset.</summary>
    public Dictionary<string, (string Path, DicomDataset Dataset)> Instances { get; } = [];

    public IReadOnlyList<CStoreResult> Stored { get; private set; } = [];

    public DicomClient Client() => _orthanc!.Client();

    public async Task InitializeAsync()
    {
        _orthanc = await OrthancServer.StartAsync(new Dictionary<string, object[]> { ["isolisten"] = ["ISOLISTEN", "127.0.0.1", Listener.Port] });
        var demo = Path.Combine(_directory, "demo");
        Assert.Equal(0, DemoCommand.Run(["--out", demo, "--patients", "3", "--slices", "2", "--size", "64", "--seed", "7"]));
        var files = Directory.GetFiles(demo, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var dataset = DicomFile.Open(file).Dataset;
            Instances[dataset.GetString(DicomTag.SOPInstanceUID)!] = (file, dataset);
        }
        using var timeout = new CancellationTokenSource(Bound);
        Stored = await Client().StoreAsync(files, cancellationToken: timeout.Token);
    }

    public string Log => _orthanc?.Log ?? "";

    /// <summary>The demo studies: Study Instance UID → its first instance's dataset.</summary>
    public Dictionary<string, DicomDataset> Studies() =>
        Instances.Values.GroupBy(i => i.Dataset.GetString(DicomTag.StudyInstanceUID)!).ToDictionary(g => g.Key, g => g.First().Dataset);

    public async Task DisposeAsync()
    {
        if (_orthanc is not null)
        {
            await _orthanc.DisposeAsync();
        }
        await Listener.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
