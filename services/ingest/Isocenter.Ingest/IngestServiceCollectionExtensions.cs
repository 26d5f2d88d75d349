using Isocenter.Archive.Store;
using Isocenter.Ingest.Scp;
using Isocenter.Ingest.Store;
using Isocenter.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Isocenter.Ingest;

/// <summary>Registers the ingest service; the host and the tests share it.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// The broker (publishing only), the <c>Dicom</c> settings, the C-STORE handler and the SCP as a hosted service (started
    /// after the bus, stopped before it) with its health check. The <see cref="ObjectStore.IObjectStore"/> and the
    /// <see cref="Index.IIndexStore"/> (C-FIND, C-MOVE, C-GET) are the host's to register.
    /// </summary>
    public static TBuilder AddIngest<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddIsocenterMessaging("ingest", _ => { });
        var services = builder.Services;
        services.AddOptions<IngestOptions>().Bind(builder.Configuration.GetSection(IngestOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InstanceWriter>();
        services.TryAddSingleton<InstanceArchiver>();
        services.TryAddSingleton<InstanceStoreHandler>();
        services.TryAddSingleton<DicomScpHost>();
        services.AddHostedService(provider => provider.GetRequiredService<DicomScpHost>());
        services.AddHealthChecks().Add(new HealthCheckRegistration("dicom-scp", provider => provider.GetRequiredService<DicomScpHost>(), HealthStatus.Unhealthy, null));
        return builder;
    }
}
