using System.Diagnostics;
using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Storage;
using Isocenter.Index;
using MassTransit;

namespace Isocenter.Storage;

/// <summary>Indexes instances and publishes <see cref="SeriesChanged"/> for each series touched: what both indexing consumers do.</summary>
public sealed partial class InstanceIndexer(IIndexStore index, TimeProvider time, ILogger<InstanceIndexer> logger)
{
    /// <summary>Upserts <paramref name="instances"/> in one batch, then publishes their series' changes through <paramref name="publisher"/>.</summary>
    public async Task<IReadOnlyList<SeriesUpdate>> IndexAsync(IReadOnlyList<InstanceReceived> instances, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        using var activity = StorageTelemetry.ActivitySource.StartActivity("index batch");
        activity?.SetTag("isocenter.batch_size", instances.Count);
        var started = time.GetTimestamp();
        try
        {
            var updates = await index.UpsertAsync(instances, cancellationToken).ConfigureAwait(false);
            var changedAt = time.GetUtcNow();
            await publisher.PublishBatch(updates.Select(u => new SeriesChanged(u.StudyInstanceUid, u.SeriesInstanceUid, u.InstanceCount, changedAt)),
                cancellationToken).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            StorageTelemetry.InstancesIndexed.Add(instances.Count);
            StorageTelemetry.BatchSize.Record(instances.Count);
            StorageTelemetry.BatchDuration.Record(elapsed.TotalSeconds);
            LogIndexed(logger, instances.Count, updates.Count, elapsed.TotalMilliseconds);
            return updates;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Indexed {Count} instances of {SeriesCount} series in {Milliseconds:F1} ms")]
    private static partial void LogIndexed(ILogger logger, int count, int seriesCount, double milliseconds);
}
