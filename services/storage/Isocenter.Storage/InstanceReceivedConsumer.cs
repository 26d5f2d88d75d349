using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.Index;
using MassTransit;

namespace Isocenter.Storage;

/// <summary>
/// Indexes <see cref="InstancesReceived"/> in batches (<see cref="InstanceReceivedConsumerDefinition"/>) and publishes
/// <see cref="SeriesChanged"/> for each series a batch touched. Redeliveries are harmless: upserts are idempotent.
/// </summary>
public sealed partial class InstanceReceivedConsumer(InstanceIndexer indexer, ILogger<InstanceReceivedConsumer> logger) : IConsumer<Batch<InstancesReceived>>
{
    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<Batch<InstancesReceived>> context)
    {
        var instances = context.Message.SelectMany(m => m.Message.Instances).ToList();
        try
        {
            await indexer.IndexAsync(instances, context, context.CancellationToken).ConfigureAwait(false);
        }
        catch (DicomDataException e)
        {
            // One unreadable header fails the whole call: index the others one by one, then let the batch go to the error
            // queue (the readable instances there are already indexed; moving them back later is harmless).
            foreach (var instance in instances)
            {
                try
                {
                    await indexer.IndexAsync([instance], context, context.CancellationToken).ConfigureAwait(false);
                }
                catch (DicomDataException bad)
                {
                    LogUnreadable(logger, instance.SopInstanceUid, bad.Message);
                }
            }
            throw new DicomDataException($"A batch of {instances.Count} instances held unreadable headers; it goes to the error queue, not retried.", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var attempt = context.GetRetryAttempt();
            if (attempt >= StorageRetry.Limit)
            {
                LogGivenUp(logger, instances.Count, attempt + 1, e.Message);
            }
            else
            {
                LogWillRetry(logger, instances.Count, attempt + 1, e.Message);
            }
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {SopInstanceUid} cannot be indexed: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string sopInstanceUid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing a batch of {Count} instances failed (attempt {Attempt}), it will be retried: {Reason}")]
    private static partial void LogWillRetry(ILogger logger, int count, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Indexing a batch of {Count} instances failed {Attempt} times; the messages go to the error queue: {Reason}")]
    private static partial void LogGivenUp(ILogger logger, int count, int attempt, string reason);
}

/// <summary>
/// Batches of up to 100 messages or 100 ms, four batches at once; transient failures (PostgreSQL or the broker away) retried
/// with backoff (<see cref="StorageRetry"/>), then the messages go to the error queue; unreadable headers go there at once.
/// </summary>
public sealed class InstanceReceivedConsumerDefinition : ConsumerDefinition<InstanceReceivedConsumer>
{
    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<InstanceReceivedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(StorageRetry.Configure);
        consumerConfigurator.Options<BatchOptions>(batch => batch.SetMessageLimit(100).SetTimeLimit(TimeSpan.FromMilliseconds(100)).SetConcurrencyLimit(4));
    }
}

/// <summary>The retry policy of the service's consumers.</summary>
internal static class StorageRetry
{
    /// <summary>Retries after the first attempt.</summary>
    public const int Limit = 20;

    /// <summary>
    /// Exponential backoff from 200 ms to 60 s: a PostgreSQL restart or failover of up to about ten minutes is ridden out
    /// with the messages unacknowledged (so still in RabbitMQ should the service stop); bad data is not retried.
    /// </summary>
    public static void Configure(IRetryConfigurator retry)
    {
        retry.Exponential(Limit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
        retry.Ignore<DicomDataException>();
        retry.Ignore<ArgumentException>();
    }
}
