using System.Text.Json;
using Isocenter.Contracts.Pacs;
using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Pacs.Jobs;

/// <summary>The PACS service's background jobs, retrievals and sends: the <c>pacs_job</c> table of the index's database.</summary>
public sealed class JobStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = "id, kind, node, study_instance_uid, series_instance_uids, method, state, progress, error, attempts, created_at, updated_at";

    /// <summary>How progress documents are written and read: camelCase, as the API's JSON.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Records a new job, <see cref="PacsJobStates.Queued"/>, with <paramref name="progress"/>; returns it.</summary>
    public async Task<PacsJob> InsertAsync<TProgress>(string kind, string node, string studyInstanceUid, IReadOnlyList<string> seriesInstanceUids, string? method,
        TProgress progress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var job = new PacsJob(Guid.CreateVersion7(now), kind, node, studyInstanceUid, seriesInstanceUids, method, PacsJobStates.Queued,
            JsonSerializer.SerializeToElement(progress, JsonOptions), null, 0, now, now);
        await using var command = dataSource.CreateCommand($"INSERT INTO pacs_job ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = job.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = studyInstanceUid });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. seriesInstanceUids] });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)method ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = job.State });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = job.Progress.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 0 });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return job;
    }

    /// <summary>The job <paramref name="id"/> of <paramref name="kind"/>, or null.</summary>
    public async Task<PacsJob?> GetAsync(string kind, Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM pacs_job WHERE id = $1 AND kind = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The jobs of <paramref name="kind"/> (of one study when <paramref name="studyInstanceUid"/> is given), newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<PacsJob>> ListAsync(string kind, string? studyInstanceUid, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM pacs_job WHERE kind = $1 AND ($2::text IS NULL OR study_instance_uid = $2) ORDER BY created_at DESC, id DESC LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)studyInstanceUid ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The newest unfinished (queued or running) job of <paramref name="kind"/> for the same study and series set
    /// (in any order), or null: asking twice for the same thing gets the job already under way.
    /// </summary>
    public async Task<PacsJob?> FindUnfinishedAsync(string kind, string studyInstanceUid, IReadOnlyList<string> seriesInstanceUids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns} FROM pacs_job
            WHERE kind = $1 AND study_instance_uid = $2 AND state IN ('queued', 'running')
              AND series_instance_uids @> $3 AND series_instance_uids <@ $3
            ORDER BY created_at DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = studyInstanceUid });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. seriesInstanceUids] });
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>Writes the job's state, progress, error and attempts (and <c>updated_at</c>); returns the job as stored.</summary>
    public async Task<PacsJob> UpdateAsync<TProgress>(PacsJob job, string state, TProgress progress, string? error, int attempts, CancellationToken cancellationToken)
    {
        var updated = job with
        {
            State = state,
            Progress = JsonSerializer.SerializeToElement(progress, JsonOptions),
            Error = error,
            Attempts = attempts,
            UpdatedAt = time.GetUtcNow(),
        };
        await using var command = dataSource.CreateCommand("UPDATE pacs_job SET state = $2, progress = $3, error = $4, attempts = $5, updated_at = $6 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = job.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = state });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = updated.Progress.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempts });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = updated.UpdatedAt });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return updated;
    }

    private static async Task<List<PacsJob>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<PacsJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            using var progress = JsonDocument.Parse(reader.GetString(7));
            jobs.Add(new PacsJob(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<string[]>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                progress.RootElement.Clone(),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetInt32(9),
                reader.GetFieldValue<DateTimeOffset>(10),
                reader.GetFieldValue<DateTimeOffset>(11)));
        }
        return jobs;
    }
}
