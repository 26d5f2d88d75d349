using System.Text.Json;
using Isocenter.Review.Access;
using Isocenter.Review.ReadingSets;
using Npgsql;

namespace Isocenter.Review.Findings;

/// <summary>Findings: the <c>finding</c> table.</summary>
public sealed class FindingStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The finding of <paramref name="reviewer"/> on <paramref name="studyInstanceUid"/>, or <see cref="Finding.Empty"/>.</summary>
    public async Task<Finding> GetAsync(Guid readingSetId, string reviewer, string studyInstanceUid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT field_values, comment, complete, updated_at FROM finding WHERE reading_set_id = $1 AND reviewer = $2 AND study_instance_uid = $3");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = readingSetId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reviewer });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = studyInstanceUid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader, 0) : Finding.Empty;
    }

    /// <summary>Whether each study <paramref name="reviewer"/> saved a finding on is complete, by de-identified Study Instance UID.</summary>
    public async Task<Dictionary<string, bool>> StatusesAsync(Guid readingSetId, string reviewer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT study_instance_uid, complete FROM finding WHERE reading_set_id = $1 AND reviewer = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = readingSetId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reviewer });
        var statuses = new Dictionary<string, bool>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            statuses[reader.GetString(0)] = reader.GetBoolean(1);
        }
        return statuses;
    }

    /// <summary>Saves (inserts or replaces) a finding; returns it as stored.</summary>
    public async Task<Finding> PutAsync(Guid readingSetId, string reviewer, string studyInstanceUid, Finding finding, CancellationToken cancellationToken)
    {
        var saved = finding with { UpdatedAt = time.GetUtcNow() };
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO finding (reading_set_id, reviewer, study_instance_uid, field_values, comment, complete, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (reading_set_id, reviewer, study_instance_uid) DO UPDATE SET field_values = $4, comment = $5, complete = $6, updated_at = $7
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = readingSetId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reviewer });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = studyInstanceUid });
        command.Parameters.Add(ReadingSetStore.Json(saved.Values));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = saved.Comment });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = saved.Complete });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = saved.UpdatedAt!.Value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <summary>The set's findings (of the studies it still has), by study position then reviewer, each reviewer named by their link's label or subject.</summary>
    public async Task<List<ExportedFinding>> ListAsync(Guid readingSetId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT f.reviewer, COALESCE(l.label, f.reviewer), s.position, f.study_instance_uid, f.field_values, f.comment, f.complete, f.updated_at
            FROM finding f
            JOIN reading_set_study s ON s.reading_set_id = f.reading_set_id AND s.study_instance_uid = f.study_instance_uid
            LEFT JOIN share_link l ON f.reviewer = $2 || l.id::text
            WHERE f.reading_set_id = $1
            ORDER BY s.position, f.reviewer
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = readingSetId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Caller.SharePrefix });
        var findings = new List<ExportedFinding>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            findings.Add(new ExportedFinding(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), Read(reader, 4)));
        }
        return findings;
    }

    private static Finding Read(NpgsqlDataReader reader, int first) => new(
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(first), ReadingSetStore.JsonOptions)!,
        reader.GetString(first + 1), reader.GetBoolean(first + 2), reader.GetFieldValue<DateTimeOffset>(first + 3));
}
