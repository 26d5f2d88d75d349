using System.Globalization;
using Isocenter.Contracts.Pacs;
using Isocenter.ObjectStore;
using Isocenter.Pacs.Nodes;
using Isocenter.Pacs.Send;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Isocenter.Pacs.Forward;

/// <summary>
/// C-STOREs a <see cref="ForwardInstance"/> to its node, as stored. A node that does not take it (down, refusing the
/// association or the instance) is tried again after 1, 2, 4 … s, at most <see cref="ForwardOptions.MaxRetryInterval"/>
/// apart: in place for <see cref="ForwardOptions.HoldFor"/>, then the message is queued again behind the others (headers
/// keep the count and the first try's time), until <see cref="ForwardOptions.RetryFor"/> has passed since the first try;
/// then it goes to the error queue. The message stays in RabbitMQ all along, so a restart of the service loses nothing.
/// </summary>
public sealed partial class ForwardInstanceConsumer(
    NodeRegistry nodes, NodeConnector connector, IObjectStore store, IOptions<ForwardOptions> options, TimeProvider time, ILogger<ForwardInstanceConsumer> logger)
    : IConsumer<ForwardInstance>
{
    /// <summary>Header of a re-queued message: when the first try was (round-trip format).</summary>
    public const string SinceHeader = "Isocenter-Forward-Since";

    /// <summary>Header of a re-queued message: how many tries were made.</summary>
    public const string TriesHeader = "Isocenter-Forward-Tries";

    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<ForwardInstance> context)
    {
        var message = context.Message;
        var settings = options.Value;
        var cancellationToken = context.CancellationToken;
        var heldSince = time.GetUtcNow();
        var since = context.Headers.Get<string>(SinceHeader) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : heldSince;
        var tries = context.Headers.Get<string>(TriesHeader) is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : 0;
        while (true)
        {
            tries++;
            if (await TrySendAsync(message, cancellationToken).ConfigureAwait(false) is not { } failure)
            {
                if (tries > 1)
                {
                    LogDelivered(logger, message.SopInstanceUid, message.Node, tries);
                }
                return;
            }
            var now = time.GetUtcNow();
            if (now - since >= settings.RetryFor)
            {
                throw new ForwardFailedException($"Forwarding {message.SopInstanceUid} to '{message.Node}' (rule '{message.Rule}') failed {tries} times since {since:u}: {failure}");
            }
            if (tries == 1)
            {
                LogRetrying(logger, message.SopInstanceUid, message.Node, failure);
            }
            var delay = TimeSpan.FromSeconds(Math.Min(settings.MaxRetryInterval.TotalSeconds, Math.Pow(2, Math.Min(tries - 1, 30))));
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            if (time.GetUtcNow() - heldSince >= settings.HoldFor)
            {
                // Held long enough: behind the others, so that RabbitMQ never sees this delivery as stuck.
                var endpoint = await context.GetSendEndpoint(context.ReceiveContext.InputAddress).ConfigureAwait(false);
                var (first, made) = (since.ToString("O", CultureInfo.InvariantCulture), tries.ToString(CultureInfo.InvariantCulture));
                await endpoint.Send(message, send =>
                {
                    send.Headers.Set(SinceHeader, first);
                    send.Headers.Set(TriesHeader, made);
                }, cancellationToken).ConfigureAwait(false);
                LogRequeued(logger, message.SopInstanceUid, message.Node, tries);
                return;
            }
        }
    }

    // Null once the node has stored the instance; otherwise why not.
    private async Task<string?> TrySendAsync(ForwardInstance message, CancellationToken cancellationToken)
    {
        var node = await nodes.GetAsync(message.Node, cancellationToken).ConfigureAwait(false);
        if (node is not { StoreTo: true })
        {
            return node is null ? $"the node '{message.Node}' is not in the registry" : $"the node '{message.Node}' is not one we send to (storeTo is false)";
        }
        try
        {
            var result = (await connector.Client(node).StoreAsync([SendService.Source(store, message.ObjectKey)], cancellationToken: cancellationToken)
                .ConfigureAwait(false)).Single();
            return result.Succeeded ? null : $"{node.AETitle} at {node.Host}:{node.Port} did not store it: {result.Error ?? $"status 0x{result.Status:X4}"}";
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && connector.Diagnose(e, node) is { } problem)
        {
            return problem.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding {SopInstanceUid} to {Node} failed ({Reason}); retrying until it succeeds")]
    private static partial void LogRetrying(ILogger logger, string sopInstanceUid, string node, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding {SopInstanceUid} to {Node}: still failing after {Tries} tries, queued again")]
    private static partial void LogRequeued(ILogger logger, string sopInstanceUid, string node, int tries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarded {SopInstanceUid} to {Node} after {Tries} tries")]
    private static partial void LogDelivered(ILogger logger, string sopInstanceUid, string node, int tries);
}

/// <summary>An instance could not be forwarded for <see cref="ForwardOptions.RetryFor"/>: its message goes to the error queue.</summary>
public sealed class ForwardFailedException(string message) : Exception(message);

/// <summary>
/// <see cref="ForwardOptions.Concurrency"/> instances at once; a failure of the service itself (database, object store) is
/// retried after 1, 5 and 30 s; a <see cref="ForwardFailedException"/> goes to the error queue at once.
/// </summary>
public sealed class ForwardInstanceConsumerDefinition : ConsumerDefinition<ForwardInstanceConsumer>
{
    /// <summary>Limits the consumer to <see cref="ForwardOptions.Concurrency"/> messages at once.</summary>
    public ForwardInstanceConsumerDefinition(IOptions<ForwardOptions> options) => ConcurrentMessageLimit = options.Value.Concurrency;

    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ForwardInstanceConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
            retry.Ignore<ForwardFailedException>();
        });
}
