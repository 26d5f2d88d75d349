using Isocenter.Archive.Store;
using Isocenter.Index;
using Isocenter.Review.Findings;
using Isocenter.Review.ReadingSets;
using Isocenter.Review.ShareLinks;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Isocenter.Review;

/// <summary>Registers the review service's parts.</summary>
public static class ReviewServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ReviewOptions"/> (section <c>Review</c>; the share-link key checked now, so a missing one stops the start),
    /// index migrations at startup (before the bus), the stores and services.
    /// </summary>
    public static IServiceCollection AddReview(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ReviewOptions.Section);
        (section.Get<ReviewOptions>() ?? new ReviewOptions()).ShareLinkKeyBytes();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ReviewOptions>().Bind(section);
        services.TryAddSingleton<ReadingSetStore>();
        services.TryAddSingleton<StudyIndex>();
        services.TryAddScoped<ReadingSetService>();
        services.TryAddSingleton<ShareLinkTokens>();
        services.TryAddSingleton<ShareLinkStore>();
        services.TryAddSingleton<ShareLinkResolver>();
        services.TryAddSingleton<FindingStore>();
        services.TryAddSingleton<ReviewerAccess>();
        services.TryAddSingleton<InstanceWriter>();
        services.TryAddSingleton<FindingReports>();
        services.AddIndexMigrations();
        return services;
    }

    /// <summary>The consumers of the service's queues.</summary>
    public static IBusRegistrationConfigurator AddReviewConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DeidentificationChangedConsumer>();
        return bus;
    }
}
