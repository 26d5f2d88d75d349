using System.Text.Json;
using Isocenter.Contracts.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Review.ReadingSets;

/// <summary>Reading sets, their studies and reviewers: the <c>reading_set*</c> tables of the index's database, with <c>deid_key</c> and <c>deid_mapping</c>.</summary>
public sealed class ReadingSetStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string SetColumns = "id, name, owner, blinded, ordering, profile, form, created_at";
    private const string StudyColumns = "reading_set_id, position, original_study_instance_uid, study_instance_uid, state, total, done, held_back, error";

    /// <summary>How the JSON columns are written and read: camelCase, as the API's JSON.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Records <paramref name="set"/> with its studies and its de-identification key <paramref name="secret"/>, in one transaction.</summary>
    public async Task InsertAsync(ReadingSet set, byte[] secret, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await using (var insert = new NpgsqlCommand($"INSERT INTO reading_set ({SetColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", connection, transaction))
                {
                    insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = set.Id });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = set.Name });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = set.Owner });
                    insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = set.Blinded });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = set.Order });
                    insert.Parameters.Add(Json(set.Profile));
                    insert.Parameters.Add(Json(set.Form));
                    insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = set.CreatedAt });
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await using (var studies = new NpgsqlCommand(
                    """
                    INSERT INTO reading_set_study (reading_set_id, position, original_study_instance_uid, state, total, done, held_back, updated_at)
                    SELECT $1, p, uid, 'queued', total, 0, '[]', $4 FROM unnest($2::text[], $3::integer[]) WITH ORDINALITY AS s (uid, total, p)
                    """, connection, transaction))
                {
                    studies.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = set.Id });
                    studies.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. set.Studies.Select(s => s.OriginalStudyInstanceUid)] });
                    studies.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. set.Studies.Select(s => s.Total)] });
                    studies.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = set.CreatedAt });
                    await studies.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await using (var key = new NpgsqlCommand("INSERT INTO deid_key (reading_set_id, secret) VALUES ($1, $2)", connection, transaction))
                {
                    key.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = set.Id });
                    key.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = secret });
                    await key.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The set <paramref name="id"/>, or null.</summary>
    public async Task<ReadingSet?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        (await ReadAsync("WHERE id = $1", new NpgsqlParameter<Guid> { TypedValue = id }, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>The sets of <paramref name="owner"/> (every set when null), newest first.</summary>
    public Task<List<ReadingSet>> ListAsync(string? owner, CancellationToken cancellationToken) =>
        ReadAsync("WHERE $1::text IS NULL OR owner = $1", new NpgsqlParameter { Value = (object?)owner ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }, cancellationToken);

    /// <summary>
    /// Deletes the set with its studies, links, reviewers and findings, and its key and pseudonym mapping (the copies stay in
    /// the archive, no longer linkable to their originals); false when there is none.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in (ReadOnlySpan<string>)["DELETE FROM deid_mapping WHERE reading_set_id = $1", "DELETE FROM deid_key WHERE reading_set_id = $1", "DELETE FROM reading_set WHERE id = $1"])
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return batch.BatchCommands[^1].RecordsAffected > 0;
    }

    /// <summary>Replaces the set's form.</summary>
    public async Task UpdateFormAsync(Guid id, Form form, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE reading_set SET form = $2 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(Json(form));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records the storage service's progress on a study's copy; a late <c>running</c> never undoes <c>completed</c> or
    /// <c>failed</c> (events can overtake each other). False when the set or study is unknown (a deleted set).
    /// </summary>
    public async Task<bool> ApplyAsync(StudyDeidentificationChanged change, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE reading_set_study SET study_instance_uid = $3, state = $4, total = $5, done = $6, held_back = $7, error = $8, updated_at = $9
            WHERE reading_set_id = $1 AND original_study_instance_uid = $2 AND NOT ($4 = 'running' AND state IN ('completed', 'failed'))
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = change.ReadingSetId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.StudyInstanceUid });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.DeidentifiedStudyInstanceUid });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.State });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = change.Total });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = change.Done });
        command.Parameters.Add(Json(change.HeldBack));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)change.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>The set's pseudonym mapping (written by the storage service), by kind then original.</summary>
    public async Task<List<MappingEntry>> MappingAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT kind, original, pseudonym FROM deid_mapping WHERE reading_set_id = $1 ORDER BY array_position(ARRAY['patient', 'study', 'series', 'instance'], kind), original");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        var entries = new List<MappingEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new MappingEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        return entries;
    }

    /// <summary>Adds <paramref name="subject"/> to the set's reviewers; false when they already are.</summary>
    public async Task<bool> AddReviewerAsync(Guid id, string subject, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO reading_set_reviewer (reading_set_id, subject, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subject });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>The set's reviewers, in the order they were added.</summary>
    public async Task<List<Reviewer>> ListReviewersAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT subject, added_at FROM reading_set_reviewer WHERE reading_set_id = $1 ORDER BY added_at, subject");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        var reviewers = new List<Reviewer>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            reviewers.Add(new Reviewer(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }
        return reviewers;
    }

    /// <summary>Removes <paramref name="subject"/> from the set's reviewers; false when they were not one.</summary>
    public async Task<bool> RemoveReviewerAsync(Guid id, string subject, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM reading_set_reviewer WHERE reading_set_id = $1 AND subject = $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subject });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>A parameter holding <paramref name="value"/> as JSONB.</summary>
    public static NpgsqlParameter Json<T>(T value) =>
        new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(value, JsonOptions), NpgsqlDbType = NpgsqlDbType.Jsonb };

    private async Task<List<ReadingSet>> ReadAsync(string where, NpgsqlParameter parameter, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var sets = new NpgsqlBatchCommand($"SELECT {SetColumns} FROM reading_set {where} ORDER BY created_at DESC, id");
        sets.Parameters.Add(parameter);
        var studies = new NpgsqlBatchCommand($"SELECT {StudyColumns} FROM reading_set_study WHERE reading_set_id IN (SELECT id FROM reading_set {where}) ORDER BY reading_set_id, position");
        studies.Parameters.Add(parameter.Clone());
        batch.BatchCommands.Add(sets);
        batch.BatchCommands.Add(studies);
        var headers = new List<(Guid Id, string Name, string Owner, bool Blinded, string Order, DeidentificationProfile Profile, Form Form, DateTimeOffset CreatedAt)>();
        var studiesOf = new Dictionary<Guid, List<ReadingSetStudy>>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            headers.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetString(4),
                JsonSerializer.Deserialize<DeidentificationProfile>(reader.GetString(5), JsonOptions)!,
                JsonSerializer.Deserialize<Form>(reader.GetString(6), JsonOptions)!, reader.GetFieldValue<DateTimeOffset>(7)));
            studiesOf[reader.GetGuid(0)] = [];
        }
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var position = reader.GetInt32(1);
            studiesOf[reader.GetGuid(0)].Add(new ReadingSetStudy(position, Label(position), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6),
                JsonSerializer.Deserialize<List<HeldBackSeries>>(reader.GetString(7), JsonOptions)!, reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return [.. headers.Select(h => ReadingSet.Of(h.Id, h.Name, h.Owner, h.Blinded, h.Order, h.Profile, h.Form, h.CreatedAt, studiesOf[h.Id]))];
    }

    /// <summary>What reviewers call the study at <paramref name="position"/>.</summary>
    public static string Label(int position) => $"Case {position}";
}

/// <summary>An OIDC user who may review a set.</summary>
/// <param name="Subject">Their subject.</param>
/// <param name="AddedAt">When they were added.</param>
public sealed record Reviewer(string Subject, DateTimeOffset AddedAt);
