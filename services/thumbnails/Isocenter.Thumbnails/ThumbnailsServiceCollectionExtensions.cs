using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Isocenter.Thumbnails;

/// <summary>Registers the thumbnail service; the host and the tests share it.</summary>
public static class ThumbnailsServiceCollectionExtensions
{
    /// <summary><see cref="ThumbnailService"/> and what it needs but the <see cref="ObjectStore.IObjectStore"/>.</summary>
    public static IServiceCollection AddThumbnails(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(DicomCodecRegistry.CreateDefault());
        services.TryAddSingleton<ThumbnailService>();
        return services;
    }

    /// <summary>The consumers of the service, with their retry policy.</summary>
    public static IBusRegistrationConfigurator AddThumbnailConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.SetEndpointNameFormatter(MessagingExtensions.EndpointNames("thumbnails"));
        bus.AddConsumer<SeriesStableConsumer, SeriesStableConsumerDefinition>();
        return bus;
    }
}
