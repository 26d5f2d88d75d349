using System.Globalization;
using Npgsql;

namespace Isocenter.Testing;

/// <summary>
/// The archive as it runs: the storage service and the ingest service (and, when asked, the DICOMweb and PACS services) as
/// processes, on a database, RabbitMQ virtual host and object store of their own (a folder, or a bucket of the S3 server),
/// ingest's DIMSE port free on loopback.
/// </summary>
public sealed class LocalArchive : IAsyncDisposable
{
    public const string AETitle = "ISOCENTER";
    private readonly Dictionary<string, string> _settings;

    private readonly bool _withDicomWeb;
    private readonly bool _withPacs;

    private LocalArchive(Dictionary<string, string> settings, string indexConnectionString, int port, bool withDicomWeb, bool withPacs)
    {
        _settings = settings;
        _withDicomWeb = withDicomWeb;
        _withPacs = withPacs;
        IndexConnectionString = indexConnectionString;
        Port = port;
    }

    /// <summary>Ingest's DIMSE port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The settings the services run with (index, broker, object store, DIMSE): another service of the archive starts with them too.</summary>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    /// <summary>The index database.</summary>
    public string IndexConnectionString { get; }

    public ServiceProcess Storage { get; private set; } = null!;

    public ServiceProcess Ingest { get; private set; } = null!;

    /// <summary>The DICOMweb service, when started with it.</summary>
    public ServiceProcess? DicomWeb { get; private set; }

    /// <summary>The PACS service, when started with it.</summary>
    public ServiceProcess? Pacs { get; private set; }

    /// <summary>
    /// Starts storage, then ingest (then DICOMweb when <paramref name="withDicomWeb"/>, PACS when <paramref name="withPacs"/>);
    /// <paramref name="objectStore"/> holds the ObjectStore:* settings, <paramref name="extra"/> any other. The test project
    /// must build each service it starts.
    /// </summary>
    public static async Task<LocalArchive> StartAsync(IReadOnlyDictionary<string, string> objectStore, IReadOnlyDictionary<string, string>? extra = null,
        bool withDicomWeb = false, bool withPacs = false)
    {
        var database = await LocalServers.CreateDatabaseAsync("archive");
        var vhost = await LocalServers.CreateVirtualHostAsync("archive");
        var port = Dcmtk.FreePort();
        var settings = new Dictionary<string, string>(objectStore)
        {
            ["ConnectionStrings:Index"] = database,
            ["ConnectionStrings:RabbitMq"] = vhost.ToString(),
            ["Dicom:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Dicom:AETitle"] = AETitle,
            ["Dicom:AllowAnyPeerFromLoopback"] = "true",
            ["Storage:SeriesQuietPeriod"] = "00:00:01",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        var archive = new LocalArchive(settings, database, port, withDicomWeb, withPacs);
        await archive.StartServicesAsync();
        return archive;
    }

    /// <summary>Starts the services (again, after <see cref="StopServicesAsync"/>).</summary>
    public async Task StartServicesAsync()
    {
        Storage = await ServiceProcess.StartAsync("services/storage/Isocenter.Storage", _settings);
        Ingest = await ServiceProcess.StartAsync("services/ingest/Isocenter.Ingest", _settings);
        if (_withDicomWeb)
        {
            DicomWeb = await ServiceProcess.StartAsync("services/dicomweb/Isocenter.DicomWeb", _settings);
        }
        if (_withPacs)
        {
            Pacs = await ServiceProcess.StartAsync("services/pacs/Isocenter.Pacs", _settings);
        }
    }

    public async Task StopServicesAsync()
    {
        if (Pacs is not null)
        {
            await Pacs.StopAsync();
        }
        if (DicomWeb is not null)
        {
            await DicomWeb.StopAsync();
        }
        await Ingest.StopAsync();
        await Storage.StopAsync();
    }

    /// <summary>storescu from <paramref name="callingAETitle"/> to ingest with extra options (e.g. -R, a proposal) and files.</summary>
    public Task<ToolRun> StorescuAsync(IEnumerable<string> options, IEnumerable<string> files, string callingAETitle = "STORESCU") =>
        Dcmtk.RunAsync("storescu", [.. options, "-aec", AETitle, "-aet", callingAETitle, "127.0.0.1", Port.ToString(CultureInfo.InvariantCulture), .. files]);

    /// <summary>The SOP Instance UIDs in the index.</summary>
    public async Task<HashSet<string>> IndexedAsync()
    {
        await using var connection = new NpgsqlConnection(IndexConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT sop_instance_uid FROM instance", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var uids = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            uids.Add(reader.GetString(0));
        }
        return uids;
    }

    /// <summary>Waits (bounded) until every one of <paramref name="uids"/> is indexed; returns the index's UIDs.</summary>
    public async Task<HashSet<string>> WaitIndexedAsync(IReadOnlyCollection<string> uids, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var indexed = await IndexedAsync();
            if (uids.All(indexed.Contains) || deadline.IsCancellationRequested)
            {
                return indexed;
            }
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Pacs is not null)
        {
            await Pacs.DisposeAsync();
        }
        if (DicomWeb is not null)
        {
            await DicomWeb.DisposeAsync();
        }
        await Ingest.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
