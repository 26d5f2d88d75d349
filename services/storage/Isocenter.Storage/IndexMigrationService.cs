using Isocenter.Index;

namespace Isocenter.Storage;

/// <summary>Brings the index's schema up to date when the service starts, before the bus starts consuming.</summary>
internal sealed class IndexMigrationService(IndexMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
