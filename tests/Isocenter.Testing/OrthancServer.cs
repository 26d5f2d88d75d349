using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Scu;
using Xunit;

namespace Isocenter.Testing;

/// <summary>
/// An Orthanc (Debian package orthanc) as a peer for the tests: started from a generated configuration with temporary
/// storage and index, free DICOM and HTTP ports on loopback, remote access off, AE title ORTHANC accepting every DIMSE
/// service; optionally with its DICOMweb plugin (Debian package orthanc-dicomweb) at <see cref="DicomWebRoot"/>.
/// </summary>
public sealed class OrthancServer : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/Orthanc";
    private const string DicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory;
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private OrthancServer(string directory, Process process, int dicomPort, int httpPort)
    {
        _directory = directory;
        _process = process;
        DicomPort = dicomPort;
        HttpPort = httpPort;
    }

    /// <summary>The DIMSE port (AE title ORTHANC).</summary>
    public int DicomPort { get; }

    /// <summary>The HTTP port (REST API, and DICOMweb when enabled).</summary>
    public int HttpPort { get; }

    /// <summary>The DICOMweb plugin's root (with a trailing slash), when it was enabled.</summary>
    public Uri DicomWebRoot => new($"http://127.0.0.1:{HttpPort}/dicom-web/");

    /// <summary>What Orthanc has logged.</summary>
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

    /// <summary>A client of its DIMSE port, calling as <paramref name="callingAETitle"/>.</summary>
    public DicomClient Client(string callingAETitle = "ISOCENTER") =>
        new("127.0.0.1", DicomPort, new DicomClientOptions { CalledAETitle = "ORTHANC", CallingAETitle = callingAETitle, DimseTimeout = Bound, AssociationTimeout = Bound });

    /// <summary>
    /// Starts Orthanc with <paramref name="modalities"/> (name → [AE title, host, port]) as its known peers and waits until
    /// it answers C-ECHO (or, configured to, rejects our association); <paramref name="dicomWeb"/> loads the DICOMweb
    /// plugin; <paramref name="settings"/> replace or add configuration options (e.g. <c>DicomAlwaysAllowEcho</c>: false).
    /// </summary>
    public static async Task<OrthancServer> StartAsync(IReadOnlyDictionary<string, object[]>? modalities = null, bool dicomWeb = false,
        IReadOnlyDictionary<string, object>? settings = null)
    {
        Assert.True(File.Exists(Executable), "Orthanc is not installed (Debian package orthanc): run ./dev.sh test, which installs it");
        Assert.True(!dicomWeb || File.Exists(DicomWebPlugin), "Orthanc's DICOMweb plugin is not installed (Debian package orthanc-dicomweb): run ./dev.sh test, which installs it");
        var directory = Directory.CreateTempSubdirectory("isocenter-orthanc-").FullName;
        var (dicomPort, httpPort) = (Dcmtk.FreePort(), Dcmtk.FreePort());
        var config = Path.Combine(directory, "orthanc.json");
        var configuration = new Dictionary<string, object>
        {
            ["Name"] = "isocenter-tests",
            ["StorageDirectory"] = Path.Combine(directory, "storage"),
            ["IndexDirectory"] = Path.Combine(directory, "index"),
            ["StorageCompression"] = false,
            ["Plugins"] = dicomWeb ? [DicomWebPlugin] : Array.Empty<string>(),
            ["DicomWeb"] = new Dictionary<string, object> { ["Enable"] = dicomWeb, ["Root"] = "/dicom-web/" },
            ["HttpServerEnabled"] = true,
            ["HttpPort"] = httpPort,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomServerEnabled"] = true,
            ["DicomAet"] = "ORTHANC",
            ["DicomPort"] = dicomPort,
            ["DicomCheckCalledAet"] = true,
            ["DicomAlwaysAllowEcho"] = true,
            ["DicomAlwaysAllowStore"] = true,
            ["DicomAlwaysAllowFind"] = true,
            ["DicomAlwaysAllowMove"] = true,
            ["DicomAlwaysAllowGet"] = true,
            ["DicomModalities"] = modalities ?? new Dictionary<string, object[]>(),
            ["SaveJobs"] = false,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, object>())
        {
            configuration[key] = value;
        }
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(configuration));
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Orthanc (Debian package orthanc)");
        var orthanc = new OrthancServer(directory, process, dicomPort, httpPort);
        process.OutputDataReceived += (_, e) => orthanc.Append(e.Data);
        process.ErrorDataReceived += (_, e) => orthanc.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            try
            {
                await Dcmtk.WaitForEchoAsync(orthanc.Client(), process, () => $"Orthanc exited:\n{orthanc.Log}");
            }
            catch (DicomAssociationRejectedException) when (settings is not null)
            {
                // Configured to refuse us: it is up, since it answered.
            }
            if (dicomWeb)
            {
                await orthanc.WaitForDicomWebAsync();
            }
        }
        catch
        {
            await orthanc.DisposeAsync();
            throw;
        }
        return orthanc;
    }

    // The plugin answers once Orthanc's HTTP server is up, which may be after its DICOM server.
    private async Task WaitForDicomWebAsync()
    {
        using var http = new HttpClient();
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(DicomWebRoot, "studies?limit=1"));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));
                using var response = await http.SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (!timeout.IsCancellationRequested)
            {
            }
            Assert.False(_process.HasExited, $"Orthanc exited:\n{Log}");
            await Task.Delay(50, timeout.Token);
        }
    }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(Bound);
            await _process.WaitForExitAsync(timeout.Token);
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
