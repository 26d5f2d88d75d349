using Isocenter.Contracts.Storage;
using Isocenter.Contracts.Thumbnails;
using Isocenter.Dicom;
using MassTransit;

namespace Isocenter.Thumbnails;

/// <summary>Makes the thumbnail of each series that becomes stable (<see cref="ThumbnailService"/>), then publishes <see cref="ThumbnailWritten"/>.</summary>
public sealed partial class SeriesStableConsumer(ThumbnailService thumbnails, TimeProvider time, ILogger<SeriesStableConsumer> logger) : IConsumer<SeriesStable>
{
    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<SeriesStable> context)
    {
        var message = context.Message;
        try
        {
            var thumbnail = await thumbnails.CreateAsync(message.StudyInstanceUid, message.SeriesInstanceUid, context.CancellationToken).ConfigureAwait(false);
            await context.Publish(new ThumbnailWritten(message.StudyInstanceUid, message.SeriesInstanceUid, thumbnail.Key, time.GetUtcNow()),
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DicomException or ArgumentException)
        {
            // Retrying cannot help (see SeriesStableConsumerDefinition): say why once, and let the message go to the error queue.
            LogFailed(logger, message.SeriesInstanceUid, message.StudyInstanceUid, e.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "No thumbnail for series {SeriesInstanceUid} of study {StudyInstanceUid}: {Reason}. The message goes to the error queue, not retried.")]
    private static partial void LogFailed(ILogger logger, string seriesInstanceUid, string studyInstanceUid, string reason);
}

/// <summary>
/// Retries for <see cref="SeriesStableConsumer"/>: transient failures (object store I/O, a series not readable yet) are
/// retried after 1, 5 and 30 s, then the message goes to the error queue; undecodable or unrenderable data
/// (<see cref="DicomException"/>) and invalid UIDs (<see cref="ArgumentException"/>) go there at once.
/// </summary>
public sealed class SeriesStableConsumerDefinition : ConsumerDefinition<SeriesStableConsumer>
{
    /// <summary>Renders at most one series per core at a time.</summary>
    public SeriesStableConsumerDefinition() => ConcurrentMessageLimit = Environment.ProcessorCount;

    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SeriesStableConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
            retry.Ignore<DicomException>();
            retry.Ignore<ArgumentException>();
        });
}
