using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Isocenter.Cli.Demo;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Dicom.Network.Tests.Peers;

/// <summary>
/// An Orthanc (Debian package orthanc) started for the tests from a generated configuration: temporary storage and index,
/// free DICOM and HTTP ports, remote access off, our listener as the C-MOVE destination ISOLISTEN; three demo CT studies
/// (two slices each, from <c>isocenter demo</c>) stored into it with our C-STORE SCU. Stopped when the tests end.
/// </summary>
public sealed class OrthancFixture : IAsyncLifetime
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = TestFiles.NewDirectory();
    private Process? _orthanc;
    private readonly StringBuilder _log = new();

    /// <summary>Our storage SCP, known to Orthanc as ISOLISTEN.</summary>
    internal ReceivingServer Listener { get; } = new(o => o with { AETitles = ["ISOLISTEN"] });

    public int Port { get; private set; }

    /// <summary>The demo instances stored, by SOP Instance UID: the file and its dataset.</summary>
    public Dictionary<string, (string Path, DicomDataset Dataset)> Instances { get; } = [];

    public IReadOnlyList<CStoreResult> Stored { get; private set; } = [];

    public DicomClient Client() => new("127.0.0.1", Port, new DicomClientOptions { CalledAETitle = "ORTHANC", CallingAETitle = "ISOCENTER", DimseTimeout = Bound, AssociationTimeout = Bound });

    public async Task InitializeAsync()
    {
        Port = Dcmtk.FreePort();
        var config = Path.Combine(_directory, "orthanc.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Name"] = "isocenter-tests",
            ["StorageDirectory"] = Path.Combine(_directory, "storage"),
            ["IndexDirectory"] = Path.Combine(_directory, "index"),
            ["StorageCompression"] = false,
            ["Plugins"] = Array.Empty<string>(),
            ["HttpServerEnabled"] = true,
            ["HttpPort"] = Dcmtk.FreePort(),
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomServerEnabled"] = true,
            ["DicomAet"] = "ORTHANC",
            ["DicomPort"] = Port,
            ["DicomCheckCalledAet"] = true,
            ["DicomAlwaysAllowEcho"] = true,
            ["DicomAlwaysAllowStore"] = true,
            ["DicomAlwaysAllowFind"] = true,
            ["DicomAlwaysAllowMove"] = true,
            ["DicomAlwaysAllowGet"] = true,
            ["DicomModalities"] = new Dictionary<string, object> { ["isolisten"] = new object[] { "ISOLISTEN", "127.0.0.1", Listener.Port } },
            ["SaveJobs"] = false,
        }));
        const string Executable = "/usr/sbin/Orthanc";
        Assert.True(File.Exists(Executable), "Orthanc is not installed (Debian package orthanc): run ./dev.sh test, which installs it");
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(config);
        _orthanc = Process.Start(start) ?? throw new InvalidOperationException("could not start Orthanc (Debian package orthanc)");
        _orthanc.OutputDataReceived += (_, e) => Append(e.Data);
        _orthanc.ErrorDataReceived += (_, e) => Append(e.Data);
        _orthanc.BeginOutputReadLine();
        _orthanc.BeginErrorReadLine();

        await Dcmtk.WaitForEchoAsync(Client(), _orthanc, () => $"Orthanc exited:\n{Log}");

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

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <summary>The demo studies: Study Instance UID → its first instance's dataset.</summary>
    public Dictionary<string, DicomDataset> Studies() =>
        Instances.Values.GroupBy(i => i.Dataset.GetString(DicomTag.StudyInstanceUID)!).ToDictionary(g => g.Key, g => g.First().Dataset);

    public async Task DisposeAsync()
    {
        if (_orthanc is { HasExited: false })
        {
            _orthanc.Kill(entireProcessTree: true);
            await _orthanc.WaitForExitAsync();
        }
        _orthanc?.Dispose();
        await Listener.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
