using Isocenter.Contracts.Render;
using Isocenter.Contracts.Storage;
using Isocenter.Render.Volumes;
using MassTransit;

namespace Isocenter.Render.Messaging;

/// <summary>Drops a series' cached volume when it gains or replaces instances (every instance hears it: its own queue).</summary>
public sealed class SeriesChangedConsumer(VolumeCache cache) : IConsumer<SeriesChanged>
{
    /// <inheritdoc/>
    public Task Consume(ConsumeContext<SeriesChanged> context)
    {
        cache.Invalidate(context.Message.StudyInstanceUid, context.Message.SeriesInstanceUid);
        return Task.CompletedTask;
    }
}

/// <summary>Drops the cached volumes of deleted instances' series (every instance hears it: its own queue).</summary>
public sealed class InstancesDeletedConsumer(VolumeCache cache) : IConsumer<InstancesDeleted>
{
    /// <inheritdoc/>
    public Task Consume(ConsumeContext<InstancesDeleted> context)
    {
        foreach (var series in context.Message.Instances.Select(i => (i.StudyInstanceUid, i.SeriesInstanceUid)).Distinct())
        {
            cache.Invalidate(series.StudyInstanceUid, series.SeriesInstanceUid);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// Loads a series into the cache ahead of its first frame. With several render instances, one of them takes each message;
/// the gateway routes a series to the instance its UID hashes to, so a deployment of more than one warms through
/// <c>GET /render/studies/{study}/series/{series}</c> via the gateway instead.
/// </summary>
public sealed partial class PrepareVolumeConsumer(VolumeCache cache, ILogger<PrepareVolumeConsumer> logger) : IConsumer<PrepareVolume>
{
    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<PrepareVolume> context)
    {
        var message = context.Message;
        try
        {
            using var lease = await cache.AcquireAsync(new SeriesKey(message.StudyInstanceUid, message.SeriesInstanceUid), context.CancellationToken).ConfigureAwait(false);
        }
        catch (RenderException e)
        {
            // Nothing to retry: the series is missing or not a volume; a viewer asking for it gets the same answer.
            LogNotPrepared(logger, message.SeriesInstanceUid, message.StudyInstanceUid, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {SeriesInstanceUid} of study {StudyInstanceUid} not prepared: {Reason}")]
    private static partial void LogNotPrepared(ILogger logger, string seriesInstanceUid, string studyInstanceUid, string reason);
}
