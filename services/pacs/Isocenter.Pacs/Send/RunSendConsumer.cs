using Isocenter.Contracts.Pacs;
using MassTransit;

namespace Isocenter.Pacs.Send;

/// <summary>Runs the send a <see cref="RunSend"/> names (<see cref="SendService.RunAsync"/>); redelivered after a restart, it resumes it.</summary>
public sealed class RunSendConsumer(SendService sends) : IConsumer<RunSend>
{
    /// <inheritdoc/>
    public Task Consume(ConsumeContext<RunSend> context) => sends.RunAsync(context.Message.Id, context.CancellationToken);
}

/// <summary>A few sends at a time; a failure of the service itself (database, broker) is retried after 5 and 30 s, then goes to the error queue.</summary>
public sealed class RunSendConsumerDefinition : ConsumerDefinition<RunSendConsumer>
{
    /// <summary>At most four sends at once.</summary>
    public RunSendConsumerDefinition() => ConcurrentMessageLimit = 4;

    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RunSendConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)));
}
