using Isocenter.Index;
using Isocenter.Storage.Deidentify;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Isocenter.Storage;

/// <summary>Registers the storage service's parts.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Index migrations at startup (<c>AddIndexMigrations</c>, to be registered before the bus so they run first),
    /// <see cref="SeriesStablePublisher"/> and its <see cref="StorageOptions"/> (section <c>Storage</c>).
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InstanceIndexer>();
        services.TryAddSingleton<DeidentificationStore>();
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.AddIndexMigrations();
        services.AddHostedService<SeriesStablePublisher>();
        return services;
    }

    /// <summary>The consumers of the service, with their batching and retry policies.</summary>
    public static IBusRegistrationConfigurator AddStorageConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<InstanceReceivedConsumer, InstanceReceivedConsumerDefinition>();
        bus.AddConsumer<IndexInstancesConsumer, IndexInstancesConsumerDefinition>();
        bus.AddConsumer<DeleteInstancesConsumer, DeleteInstancesConsumerDefinition>();
        bus.AddConsumer<DeidentifyStudyConsumer, DeidentifyStudyConsumerDefinition>();
        return bus;
    }
}

/// <summary>Settings of the storage service (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Storage";

    /// <summary>How long a series must go without a new instance before SeriesStable is published for it.</summary>
    public TimeSpan SeriesQuietPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the index is polled for series that became stable.</summary>
    public TimeSpan StablePollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
