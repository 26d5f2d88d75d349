using Isocenter.Contracts.Storage;
using Isocenter.Index;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Isocenter.Storage;

/// <summary>
/// Polls the index every <see cref="StorageOptions.StablePollInterval"/> for series quiet for
/// <see cref="StorageOptions.SeriesQuietPeriod"/> and publishes <see cref="SeriesStable"/> for each. A failed poll (PostgreSQL or
/// the broker away) is logged and the next tick tries again.
/// </summary>
public sealed partial class SeriesStablePublisher(IIndexStore index, IBus bus, IOptions<StorageOptions> options, TimeProvider time, ILogger<SeriesStablePublisher> logger)
    : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.StablePollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var stable = await index.TakeStableSeriesAsync(settings.SeriesQuietPeriod, stoppingToken).ConfigureAwait(false);
                if (stable.Count == 0)
                {
                    continue;
                }
                var stableAt = time.GetUtcNow();
                await bus.PublishBatch(stable.Select(s => new SeriesStable(s.StudyInstanceUid, s.SeriesInstanceUid, s.InstanceCount, stableAt)), stoppingToken).ConfigureAwait(false);
                foreach (var series in stable)
                {
                    LogStable(logger, series.SeriesInstanceUid, series.StudyInstanceUid, series.InstanceCount);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Series {SeriesInstanceUid} of study {StudyInstanceUid} is stable with {InstanceCount} instances")]
    private static partial void LogStable(ILogger logger, string seriesInstanceUid, string studyInstanceUid, int instanceCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for stable series failed; trying again at the next tick: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string reason);
}
