using Isocenter.Archive.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Isocenter.DicomWeb.Store;

/// <summary>STOW-RS (PS3.18 10.5): <c>POST /studies</c> and <c>POST /studies/{study}</c>.</summary>
public static class StoreEndpoints
{
    /// <summary>The <see cref="StoreOptions"/> and what storing needs; DELETE shares the options' storage time limit.</summary>
    public static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InstanceWriter>();
        services.TryAddScoped<StoreHandler>();
        return services;
    }

    /// <summary>Maps the Store Transaction's two resources (PS3.18 10.5.1).</summary>
    public static RouteGroupBuilder MapStore(this RouteGroupBuilder dicomWeb)
    {
        dicomWeb.MapPost(DicomWebRoutes.Studies, (HttpContext context, StoreHandler handler, CancellationToken cancellationToken) =>
            handler.StoreAsync(context, null, cancellationToken));
        dicomWeb.MapPost(DicomWebRoutes.Study, (string study, HttpContext context, StoreHandler handler, CancellationToken cancellationToken) =>
            handler.StoreAsync(context, study, cancellationToken));
        return dicomWeb;
    }
}
