using Isocenter.Contracts.Storage;
using MassTransit;

namespace Isocenter.Storage;

/// <summary>Indexes the instances of an <see cref="IndexInstances"/> request, publishes their <see cref="SeriesChanged"/>, then answers <see cref="InstancesIndexed"/>.</summary>
public sealed class IndexInstancesConsumer(InstanceIndexer indexer) : IConsumer<IndexInstances>
{
    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<IndexInstances> context)
    {
        var instances = context.Message.Instances;
        if (instances.Count > 0)
        {
            await indexer.IndexAsync(instances, context, context.CancellationToken).ConfigureAwait(false);
        }
        await context.RespondAsync(new InstancesIndexed(instances.Select(i => i.SopInstanceUid).Distinct(StringComparer.Ordinal).Count())).ConfigureAwait(false);
    }
}

/// <summary>Retries transient failures (<see cref="StorageRetry"/>); the requester waits or times out.</summary>
public sealed class IndexInstancesConsumerDefinition : ConsumerDefinition<IndexInstancesConsumer>
{
    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<IndexInstancesConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(StorageRetry.Configure);
}
