using Isocenter.Dicom.Deidentification;
using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Storage.Deidentify;

/// <summary>The reading sets' de-identification tables (migration 0003): their keys, and the pseudonym mapping the copies make.</summary>
public sealed class DeidentificationStore(NpgsqlDataSource database)
{
    /// <summary>The secret of <paramref name="readingSetId"/> in <c>deid_key</c>, or null when it has none.</summary>
    public async Task<byte[]?> ReadKeyAsync(Guid readingSetId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT secret FROM deid_key WHERE reading_set_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = readingSetId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    /// <summary>Inserts or replaces <paramref name="mappings"/> in <c>deid_mapping</c>, in one statement.</summary>
    public async Task UpsertMappingsAsync(Guid readingSetId, IEnumerable<DeidentificationMapping> mappings, CancellationToken cancellationToken)
    {
        var rows = mappings.DistinctBy(m => (m.Kind, m.Original)).ToList();
        if (rows.Count == 0)
        {
            return;
        }
        await using var command = database.CreateCommand("""
            INSERT INTO deid_mapping (reading_set_id, kind, original, pseudonym)
            SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
            ON CONFLICT (reading_set_id, kind, original) DO UPDATE SET pseudonym = excluded.pseudonym
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = readingSetId });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Kind)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Original)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Pseudonym)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
