using System.Collections.Concurrent;
using Isocenter.Index;
using Isocenter.Ingest.Scp;
using Isocenter.ObjectStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Isocenter.Ingest.Tests;

/// <summary>
/// The ingest service hosted in-process (IngestHost, as Program.cs hosts it) with test settings: the given broker, a filesystem object
/// store in a temporary folder, the SCP and HTTP on free loopback ports; log entries kept for the tests to read.
/// </summary>
public sealed class IngestService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly string _folder;

    private IngestService(WebApplication app, ConcurrentQueue<string> logs, string folder)
    {
        _app = app;
        Logs = logs;
        _folder = folder;
        Store = app.Services.GetRequiredService<IObjectStore>();
    }

    /// <summary>The object store: a temporary folder unless the settings name another.</summary>
    public IObjectStore Store { get; }

    /// <summary>The index the service answers C-FIND, C-MOVE and C-GET from (a database of its own, migrated).</summary>
    public IIndexStore Index => _app.Services.GetRequiredService<IIndexStore>();

    public ConcurrentQueue<string> Logs { get; }

    /// <summary>The port the SCP listens on.</summary>
    public int DicomPort => _app.Services.GetRequiredService<DicomScpHost>().LocalEndPoint!.Port;

    /// <summary>The HTTP address (health, metrics).</summary>
    public Uri HttpAddress => new(_app.Urls.First());

    public string LogText => string.Join('\n', Logs);

    /// <summary>
    /// Starts the service on a new index database (migrated, as the storage service does at its start);
    /// <paramref name="settings"/> override the test defaults (<c>Dicom:AETitle</c> ISOCENTER, any caller
    /// from loopback), <paramref name="configure"/> changes its services after the host's own registrations.
    /// </summary>
    public static async Task<IngestService> StartAsync(Uri rabbitMq, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "isocenter-ingest-" + Guid.NewGuid().ToString("N"));
        var configuration = new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:RabbitMq"] = rabbitMq.ToString(),
            ["ConnectionStrings:Index"] = await LocalServers.CreateDatabaseAsync("ingest"),
            ["ObjectStore:Root"] = folder,
            ["Dicom:Port"] = "0",
            ["Dicom:AllowAnyPeerFromLoopback"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var logs = new ConcurrentQueue<string>();
        var app = IngestHost.Create([.. configuration.Select(setting => $"--{setting.Key}={setting.Value}")], builder =>
        {
            builder.Logging.AddProvider(new ListLoggerProvider(logs));
            configure?.Invoke(builder.Services);
        });
        await app.Services.GetRequiredService<IndexMigrator>().MigrateAsync(default);
        await app.StartAsync();
        return new IngestService(app, logs, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(logs);

        public void Dispose() { }

        private sealed class ListLogger(ConcurrentQueue<string> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
