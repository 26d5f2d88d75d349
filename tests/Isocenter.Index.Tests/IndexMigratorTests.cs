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
    public async Task MigrateAsync_InstanceIndexedWithSha256_KeepsItAsNamedChecksum()
    {
        await using var old = Npgsql.NpgsqlDataSource.Create(await Testing.LocalServers.CreateDatabaseAsync("index_checksum"));
        await using (var create = old.CreateCommand("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"))
        {
            await create.ExecuteNonQueryAsync();
        }
        foreach (var (version, name, sql) in IndexMigrator.Migrations.Where(m => m.Version < 6))
        {
            await using var apply = old.CreateCommand($"{sql};\nINSERT INTO schema_migrations (version, name) VALUES ({version}, '{name}')");
            await apply.ExecuteNonQueryAsync();
        }
        const string Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        await using (var insert = old.CreateCommand($$"""
            INSERT INTO patient (patient_id, issuer_of_patient_id, patient_name, patient_name_norm, patient_sex, header) VALUES ('P', '', '', '', '', '{}');
            INSERT INTO study (study_instance_uid, patient_pk, accession_number, study_id, referring_physician_name, referring_physician_name_norm, study_description, header)
                SELECT '1.2.3', id, '', '', '', '', '', '{}' FROM patient;
            INSERT INTO series (series_instance_uid, study_pk, modality, series_description, body_part_examined, last_changed_at, header)
                SELECT '1.2.3.4', id, 'CT', '', '', now(), '{}' FROM study;
            INSERT INTO instance (sop_instance_uid, series_pk, sop_class_uid, transfer_syntax_uid, object_key, size, sha256, received_at, header)
                SELECT '1.2.3.4.5', id, '1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.1.2.1', 'k', 4, '{{Sha256}}', now(), '{}' FROM series;
            """))
        {
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Equal(IndexMigrator.Migrations.Select(m => m.Version).Where(v => v >= 6), await new IndexMigrator(old, NullLogger<IndexMigrator>.Instance).MigrateAsync(CancellationToken.None));
        await using var checksum = old.CreateCommand("SELECT checksum FROM instance");
        Assert.Equal("sha256:" + Sha256, await checksum.ExecuteScalarAsync());
    }

    [Fact]
    public void Migrations_Embedded_NumberedFromOneWithoutGaps() =>
        Assert.Equal(Enumerable.Range(1, IndexMigrator.Migrations.Count), IndexMigrator.Migrations.Select(m => m.Version));
}
