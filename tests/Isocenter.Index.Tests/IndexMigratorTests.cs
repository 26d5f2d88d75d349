using Microsoft.Extensions.Logging.Abstractions;

namespace Isocenter.Index.Tests;

public sealed class IndexMigratorTests : IndexDatabase
{
    [Fact]
    public async Task MigrateAsync_AppliedBefore_AppliesNothing()
    {
        Assert.Empty(await Migrator.MigrateAsync(CancellationToken.None));
        Assert.Equal(IndexMigrator.Migrations.Count, await CountAsync("schema_migrations"));
    }

    [Fact]
    public async Task MigrateAsync_FourServicesAtOnceOnAFreshDatabase_EachMigrationAppliedOnce()
    {
        await using var fresh = Npgsql.NpgsqlDataSource.Create(await Testing.LocalServers.CreateDatabaseAsync("index_migrate"));
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => new IndexMigrator(fresh, NullLogger<IndexMigrator>.Instance).MigrateAsync(CancellationToken.None))));

        Assert.Equal(IndexMigrator.Migrations.Select(m => m.Version), runs.SelectMany(r => r).Order());
        await using var count = fresh.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)IndexMigrator.Migrations.Count, await count.ExecuteScalarAsync());
    }

    [Fact]
    public void Migrations_Embedded_NumberedFromOneWithoutGaps() =>
        Assert.Equal(Enumerable.Range(1, IndexMigrator.Migrations.Count), IndexMigrator.Migrations.Select(m => m.Version));
}
