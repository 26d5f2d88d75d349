using Isocenter.Contracts.Pacs;
using Isocenter.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Isocenter.Pacs.Retrieve;

/// <summary>
/// Runs the retrieval a <see cref="RunRetrieval"/> names. The message is acknowledged once the retrieval has finished, so a
/// retrieval the service was running when it stopped is delivered again, and resumed, when it starts.
/// </summary>
public sealed class RunRetrievalConsumer(RetrievalRunner runner) : IConsumer<RunRetrieval>
{
    /// <summary>The consumer's queue (<c>pacs-run-retrieval</c>), where <see cref="RetrievalService"/> sends the command.</summary>
    public static Uri Queue { get; } = new($"queue:{MessagingExtensions.EndpointNames("pacs").Consumer<RunRetrievalConsumer>()}");

    /// <inheritdoc/>
    public Task Consume(ConsumeContext<RunRetrieval> context) => runner.RunAsync(context.Message.Id, context.CancellationToken);
}

/// <summary>At most <c>Pacs:MaxConcurrentRetrievals</c> at once; no redelivery policy: the runner retries by itself.</summary>
public sealed class RunRetrievalConsumerDefinition : ConsumerDefinition<RunRetrievalConsumer>
{
    /// <summary>Takes the concurrency from the options.</summary>
    public RunRetrievalConsumerDefinition(IOptions<PacsOptions> options)
    {
        ConcurrentMessageLimit = options.Value.MaxConcurrentRetrievals;
    }
}
