using Isocenter.Contracts.Ingest;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Isocenter.Archive.Store;

/// <summary>An instance stored and announced, with how long each step took (for the caller's metrics).</summary>
/// <param name="Received">The announcement, as published.</param>
/// <param name="StoreDuration">Writing it to the object store.</param>
/// <param name="PublishDuration">Publishing it in <see cref="InstancesReceived"/> until the broker confirmed it.</param>
public sealed record ArchivedInstance(InstanceReceived Received, TimeSpan StoreDuration, TimeSpan PublishDuration);

/// <summary>
/// An instance arriving over DIMSE (ingest's C-STORE, the PACS service's C-GET sub-operations) into the archive: the dataset
/// is streamed into the object store as a Part 10 file (<see cref="InstanceWriter"/>), then announced in an
/// <see cref="InstancesReceived"/> (with the instances stored meanwhile, <see cref="InstanceAnnouncer"/>) that the broker
/// confirms; only then may the sender hear Success. A broker that refuses the message or does not confirm it in time is a
/// <see cref="DimseFailureException"/> (Out of resources, with an Error Comment), so the sender keeps the instance and
/// retries: an acknowledged instance is never lost. A re-sent instance replaces its object atomically and is announced
/// again.
/// </summary>
public sealed partial class InstanceArchiver(InstanceWriter writer, IBus bus, TimeProvider time, ILogger<InstanceArchiver> logger)
{
    private readonly InstanceAnnouncer _announcer = new(bus, time);

    /// <summary>Stores <paramref name="dataset"/> (the bytes of <paramref name="instance"/>) and announces it, the broker given <paramref name="publishTimeout"/> to confirm.</summary>
    /// <exception cref="DimseFailureException">The dataset was refused, or the broker did not take the announcement.</exception>
    public async Task<ArchivedInstance> ArchiveAsync(InstanceToStore instance, Stream dataset, InstanceWriteLimits limits, TimeSpan publishTimeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var received = await writer.PutAsync(instance, dataset, limits, cancellationToken).ConfigureAwait(false);
        var storeDuration = time.GetElapsedTime(started);

        var publishing = time.GetTimestamp();
        try
        {
            await _announcer.AnnounceAsync(received, publishTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = e is TimeoutException ? $"did not confirm it within {publishTimeout}" : $"refused it: {e.Message}";
            LogPublishFailed(logger, e, received.ObjectKey, reason);
            throw new DimseFailureException("C-STORE", DimseStatus.OutOfResources, $"Stored, but the message broker {reason}; please send the instance again");
        }
        return new ArchivedInstance(received, storeDuration, time.GetElapsedTime(publishing));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Announcing {ObjectKey}: the message broker {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string objectKey, string reason);
}
