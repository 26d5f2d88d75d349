using System.Collections.Concurrent;
using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Isocenter.ObjectStore;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Isocenter.Thumbnails.Tests;

/// <summary>
/// A filesystem object store in a temporary folder and the thumbnail service's consumers on MassTransit's in-memory test
/// harness, registered as the host registers them; log entries are kept for the tests to read.
/// </summary>
public sealed class ThumbnailHarness : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-thumbnails-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider? _provider;

    public ThumbnailHarness() => Store = new FileSystemObjectStore(_folder);

    public FileSystemObjectStore Store { get; }

    public ITestHarness Bus => _provider!.GetRequiredService<ITestHarness>();

    public ConcurrentQueue<(LogLevel Level, string Message)> Logs { get; } = new();

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(new ListLoggerProvider(Logs)))
            .AddSingleton<IObjectStore>(Store)
            .AddThumbnails()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddThumbnailConsumers();
                // Waits end as soon as what they wait for happens; these bounds only stop a broken test (2 cores, shared).
                bus.SetTestTimeouts(testTimeout: TimeSpan.FromMinutes(2), testInactivityTimeout: TimeSpan.FromSeconds(30));
            })
            .BuildServiceProvider(validateScopes: true);
        await Bus.Start();
    }

    public async Task DisposeAsync()
    {
        await _provider!.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Puts <paramref name="dataset"/> under its instance key, as the archive stores it; returns the key.</summary>
    public async Task<string> PutAsync(DicomDataset dataset, DicomTransferSyntax? transferSyntax = null)
    {
        var key = ObjectKeys.Instance(dataset.GetString(DicomTag.StudyInstanceUID)!, dataset.GetString(DicomTag.SeriesInstanceUID)!, dataset.GetString(DicomTag.SOPInstanceUID)!);
        using var stream = new MemoryStream();
        new DicomFile(dataset, transferSyntax).Save(stream);
        stream.Position = 0;
        await Store.PutAsync(key, stream, CancellationToken.None);
        return key;
    }

    /// <summary>A demo CT series (<c>isocenter demo</c>) put into the store; returns its datasets, head to feet.</summary>
    public async Task<List<DicomDataset>> PutDemoSeriesAsync(int slices, int size)
    {
        var datasets = new SyntheticCtGenerator(new SyntheticCtOptions { Slices = slices, Size = size }).Generate().Select(i => i.Dataset).ToList();
        foreach (var dataset in datasets)
        {
            await PutAsync(dataset);
        }
        return datasets;
    }

    /// <summary>Publishes <see cref="Contracts.Storage.SeriesStable"/> for the series of <paramref name="dataset"/> and waits until it has been consumed.</summary>
    public async Task PublishSeriesStableAsync(DicomDataset dataset, int instanceCount)
    {
        var (study, series) = (dataset.GetString(DicomTag.StudyInstanceUID)!, dataset.GetString(DicomTag.SeriesInstanceUID)!);
        await Bus.Bus.Publish(new Contracts.Storage.SeriesStable(study, series, instanceCount, DateTimeOffset.UnixEpoch));
        Assert.True(await Bus.GetConsumerHarness<SeriesStableConsumer>().Consumed.Any<Contracts.Storage.SeriesStable>(m => m.Context.Message.SeriesInstanceUid == series),
            $"SeriesStable for {series} was not consumed; log:\n{string.Join('\n', Logs.Select(l => $"{l.Level}: {l.Message}"))}");
    }

    /// <summary>The series' thumbnail bytes, or null when there is none.</summary>
    public async Task<byte[]?> ThumbnailAsync(DicomDataset dataset)
    {
        var key = ObjectKeys.SeriesThumbnail(dataset.GetString(DicomTag.StudyInstanceUID)!, dataset.GetString(DicomTag.SeriesInstanceUID)!);
        if (await Store.StatAsync(key, CancellationToken.None) is null)
        {
            return null;
        }
        await using var stream = await Store.OpenReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<(LogLevel, string)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(logs);

        public void Dispose() { }

        private sealed class ListLogger(ConcurrentQueue<(LogLevel, string)> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
