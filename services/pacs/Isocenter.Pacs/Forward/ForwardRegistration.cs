using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Isocenter.Pacs.Forward;

/// <summary>Registers auto-forwarding: the rules, their cache, <see cref="ForwardOptions"/> (section <c>Pacs:Forward</c>) and the consumers.</summary>
public static class ForwardRegistration
{
    /// <summary><see cref="ForwardRuleStore"/>, <see cref="ForwardRuleCache"/> and <see cref="ForwardOptions"/>.</summary>
    public static IServiceCollection AddForwarding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ForwardOptions>().Bind(configuration.GetSection(ForwardOptions.Section));
        services.TryAddSingleton<ForwardRuleStore>();
        services.TryAddSingleton<ForwardRuleCache>();
        return services;
    }

    /// <summary>
    /// <see cref="InstanceReceivedConsumer"/> (queue <c>pacs-instance-received</c>) and <see cref="ForwardInstanceConsumer"/>
    /// (queue <c>pacs-forward-instance</c>).
    /// </summary>
    public static IBusRegistrationConfigurator AddForwardConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<InstanceReceivedConsumer, InstanceReceivedConsumerDefinition>();
        bus.AddConsumer<ForwardInstanceConsumer, ForwardInstanceConsumerDefinition>();
        return bus;
    }
}
