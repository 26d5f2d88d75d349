using Isocenter.Archive.Store;
using Isocenter.Index;
using Isocenter.Pacs.Echo;
using Isocenter.Pacs.Forward;
using Isocenter.Pacs.Jobs;
using Isocenter.Pacs.Nodes;
using Isocenter.Pacs.Query;
using Isocenter.Pacs.Retrieve;
using Isocenter.Pacs.Send;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Isocenter.Pacs;

/// <summary>Registers the PACS service's parts.</summary>
public static class PacsServiceCollectionExtensions
{
    /// <summary>
    /// Index migrations at startup, then the nodes of <c>Pacs:Nodes</c> seeded into the registry (both before the bus, so
    /// they run first), <see cref="PacsOptions"/> (section <c>Pacs</c>), <see cref="NodeRegistry"/>, <see cref="JobStore"/>,
    /// <see cref="NodeConnector"/>, <see cref="EchoService"/>, <see cref="RemoteQuery"/> and the retrievals' parts (C-GET
    /// stores through <see cref="InstanceArchiver"/>, as ingest's C-STORE).
    /// </summary>
    public static IServiceCollection AddPacs(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PacsOptions>()
            .Bind(configuration.GetSection(PacsOptions.Section))
            .PostConfigure(options => options.AETitle ??= configuration["Dicom:AETitle"] is { Length: > 0 } ae ? ae : PacsOptions.DefaultAETitle);
        services.TryAddSingleton<NodeRegistry>();
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<NodeConnector>();
        services.TryAddSingleton<EchoService>();
        services.TryAddSingleton<RemoteQuery>();
        services.TryAddSingleton<InstanceWriter>();
        services.TryAddSingleton<InstanceArchiver>();
        services.TryAddSingleton<RetrieveStoreHandler>();
        services.TryAddSingleton<RetrievalRunner>();
        services.TryAddSingleton<RetrievalService>();
        services.AddIndexMigrations();
        services.AddHostedService<NodeSeeder>();
        services.AddSends();
        services.AddForwarding(configuration);
        return services;
    }

    /// <summary>The consumers of the service's queues.</summary>
    public static IBusRegistrationConfigurator AddPacsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RunRetrievalConsumer, RunRetrievalConsumerDefinition>();
        bus.AddConsumer<PrepareRetrievedVolumes>();
        return bus.AddSendConsumers().AddForwardConsumers();
    }
}
