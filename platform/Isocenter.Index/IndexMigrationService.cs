using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Isocenter.Index;

/// <summary>
/// Brings the index's schema up to date when the service starts, before the hosted services registered after it (the
/// bus's consumers among them); services starting at once are safe (<see cref="IndexMigrator"/>'s advisory lock).
/// </summary>
public sealed class IndexMigrationService(IndexMigrator migrator) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary><c>AddIndexMigrations()</c>: the services that own index tables migrate it at start.</summary>
public static class IndexMigrationServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IndexMigrationService"/> as a hosted service (after <c>AddIndex</c>): register it before the bus and any
    /// other hosted service that needs the tables, so that it runs first.
    /// </summary>
    public static IServiceCollection AddIndexMigrations(this IServiceCollection services) => services.AddHostedService<IndexMigrationService>();
}
