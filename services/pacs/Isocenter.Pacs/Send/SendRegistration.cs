using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Isocenter.Pacs.Send;

/// <summary>Registers sends: <see cref="SendService"/> and the consumer that runs them.</summary>
public static class SendRegistration
{
    /// <summary><see cref="SendService"/> and <see cref="SendCommitment"/>.</summary>
    public static IServiceCollection AddSends(this IServiceCollection services)
    {
        services.TryAddSingleton<SendService>();
        services.TryAddSingleton<SendCommitment>();
        return services;
    }

    /// <summary>
    /// <see cref="RunSendConsumer"/> (queue <c>pacs-run-send</c>) and <see cref="StorageCommitmentReportedConsumer"/> (queue
    /// <c>pacs-storage-commitment-reported</c>).
    /// </summary>
    public static IBusRegistrationConfigurator AddSendConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RunSendConsumer, RunSendConsumerDefinition>();
        bus.AddConsumer<StorageCommitmentReportedConsumer, StorageCommitmentReportedConsumerDefinition>();
        return bus;
    }
}
