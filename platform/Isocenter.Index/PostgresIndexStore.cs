using System.Runtime.CompilerServices;
using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;
using Isocenter.Index.Query;
using Isocenter.Index.Store;
using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Index;

/// <summary>
/// <see cref="IIndexStore"/> on PostgreSQL (schema: <c>Migrations/</c>). Writes lock rows level by level (patients,
/// studies, series, instances), each level in key order, so concurrent batches queue behind each other instead of
/// deadlocking; a batch's counts are recomputed under those locks.
/// </summary>
public sealed class PostgresIndexStore(NpgsqlDataSource dataSource, TimeProvider time) : IIndexStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<SeriesUpdate>> UpsertAsync(IReadOnlyList<InstanceReceived> instances, CancellationToken cancellationToken)
    {
        if (instances.Count == 0)
        {
            return [];
        }
        // The last copy of an instance in the batch wins; each level's row takes the values of its latest instance.
        var rows = instances.Select(IndexedInstance.Read).GroupBy(r => r.Message.SopInstanceUid, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var series = Latest(rows, r => r.Message.SeriesInstanceUid);
        var studies = Latest(rows, r => r.Message.StudyInstanceUid);
        var patients = Latest(studies, r => (r.PatientId, r.IssuerOfPatientId));
        var now = time.GetUtcNow();

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var touched = new Touched();
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    // The rows the batch may leave: patients of its studies, studies of its series (re-sent with corrected data).
                    batch.BatchCommands.Add(Command("""
                        SELECT st.id, st.patient_pk FROM study st WHERE st.study_instance_uid = ANY(@study)
                            OR st.id IN (SELECT se.study_pk FROM series se WHERE se.series_instance_uid = ANY(@series))
                        """,
                        Values("study", studies.Select(r => r.Message.StudyInstanceUid), NpgsqlDbType.Text),
                        Values("series", series.Select(r => r.Message.SeriesInstanceUid), NpgsqlDbType.Text)));
                    batch.BatchCommands.Add(Command("""
                        INSERT INTO patient (patient_id, issuer_of_patient_id, patient_name, patient_name_norm, patient_birth_date, patient_sex, header)
                        SELECT t.id, t.issuer, t.name, t.norm, t.birth, t.sex, t.header::jsonb
                        FROM unnest(@id, @issuer, @name, @norm, @birth, @sex, @header) AS t(id, issuer, name, norm, birth, sex, header)
                        ORDER BY t.id, t.issuer
                        ON CONFLICT (patient_id, issuer_of_patient_id) DO UPDATE SET patient_name = excluded.patient_name,
                            patient_name_norm = excluded.patient_name_norm, patient_birth_date = excluded.patient_birth_date,
                            patient_sex = excluded.patient_sex, header = excluded.header
                        RETURNING id
                        """,
                        Values("id", patients.Select(r => r.PatientId), NpgsqlDbType.Text),
                        Values("issuer", patients.Select(r => r.IssuerOfPatientId), NpgsqlDbType.Text),
                        Values("name", patients.Select(r => r.PatientName), NpgsqlDbType.Text),
                        Values("norm", patients.Select(r => r.PatientNameNorm), NpgsqlDbType.Text),
                        Values("birth", patients.Select(r => r.PatientBirthDate), NpgsqlDbType.Date),
                        Values("sex", patients.Select(r => r.PatientSex), NpgsqlDbType.Text),
                        Values("header", patients.Select(r => r.Message.Header), NpgsqlDbType.Text)));
                    batch.BatchCommands.Add(Command("""
                        INSERT INTO study (study_instance_uid, patient_pk, study_date, study_time, accession_number, study_id,
                            referring_physician_name, referring_physician_name_norm, study_description, header)
                        SELECT t.uid, p.id, t.date, t.time, t.accession, t.sid, t.referring, t.referring_norm, t.description, t.header::jsonb
                        FROM unnest(@uid, @pid, @issuer, @date, @time, @accession, @sid, @referring, @referring_norm, @description, @header)
                            AS t(uid, pid, issuer, date, time, accession, sid, referring, referring_norm, description, header)
                        JOIN patient p ON p.patient_id = t.pid AND p.issuer_of_patient_id = t.issuer
                        ORDER BY t.uid
                        ON CONFLICT (study_instance_uid) DO UPDATE SET patient_pk = excluded.patient_pk, study_date = excluded.study_date,
                            study_time = excluded.study_time, accession_number = excluded.accession_number, study_id = excluded.study_id,
                            referring_physician_name = excluded.referring_physician_name,
                            referring_physician_name_norm = excluded.referring_physician_name_norm,
                            study_description = excluded.study_description, header = excluded.header
                        RETURNING id, patient_pk
                        """,
                        Values("uid", studies.Select(r => r.Message.StudyInstanceUid), NpgsqlDbType.Text),
                        Values("pid", studies.Select(r => r.PatientId), NpgsqlDbType.Text),
                        Values("issuer", studies.Select(r => r.IssuerOfPatientId), NpgsqlDbType.Text),
                        Values("date", studies.Select(r => r.StudyDate), NpgsqlDbType.Date),
                        Values("time", studies.Select(r => r.StudyTime), NpgsqlDbType.Time),
                        Values("accession", studies.Select(r => r.AccessionNumber), NpgsqlDbType.Text),
                        Values("sid", studies.Select(r => r.StudyId), NpgsqlDbType.Text),
                        Values("referring", studies.Select(r => r.ReferringPhysicianName), NpgsqlDbType.Text),
                        Values("referring_norm", studies.Select(r => r.ReferringPhysicianNameNorm), NpgsqlDbType.Text),
                        Values("description", studies.Select(r => r.StudyDescription), NpgsqlDbType.Text),
                        Values("header", studies.Select(r => r.Message.Header), NpgsqlDbType.Text)));
                    batch.BatchCommands.Add(Command("""
                        INSERT INTO series (series_instance_uid, study_pk, modality, series_number, series_description, body_part_examined,
                            performed_procedure_step_start_date, performed_procedure_step_start_time, last_changed_at, header)
                        SELECT t.uid, st.id, t.modality, t.number, t.description, t.body_part, t.pps_date, t.pps_time, @now, t.header::jsonb
                        FROM unnest(@uid, @study, @modality, @number, @description, @body_part, @pps_date, @pps_time, @header)
                            AS t(uid, study, modality, number, description, body_part, pps_date, pps_time, header)
                        JOIN study st ON st.study_instance_uid = t.study
                        ORDER BY t.uid
                        ON CONFLICT (series_instance_uid) DO UPDATE SET study_pk = excluded.study_pk, modality = excluded.modality,
                            series_number = excluded.series_number, series_description = excluded.series_description,
                            body_part_examined = excluded.body_part_examined,
                            performed_procedure_step_start_date = excluded.performed_procedure_step_start_date,
                            performed_procedure_step_start_time = excluded.performed_procedure_step_start_time,
                            last_changed_at = excluded.last_changed_at, stable_reported_at = NULL, header = excluded.header
                        RETURNING id, study_pk
                        """,
                        new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz) { TypedValue = now },
                        Values("uid", series.Select(r => r.Message.SeriesInstanceUid), NpgsqlDbType.Text),
                        Values("study", series.Select(r => r.Message.StudyInstanceUid), NpgsqlDbType.Text),
                        Values("modality", series.Select(r => r.Modality), NpgsqlDbType.Text),
                        Values("number", series.Select(r => r.SeriesNumber), NpgsqlDbType.Integer),
                        Values("description", series.Select(r => r.SeriesDescription), NpgsqlDbType.Text),
                        Values("body_part", series.Select(r => r.BodyPartExamined), NpgsqlDbType.Text),
                        Values("pps_date", series.Select(r => r.PerformedProcedureStepStartDate), NpgsqlDbType.Date),
                        Values("pps_time", series.Select(r => r.PerformedProcedureStepStartTime), NpgsqlDbType.Time),
                        Values("header", series.Select(r => r.Message.Header), NpgsqlDbType.Text)));
                    // Instances re-sent into another series leave their old series (and its study) to be recounted.
                    batch.BatchCommands.Add(Command(
                        "SELECT se.id, se.study_pk, st.patient_pk FROM instance i JOIN series se ON se.id = i.series_pk JOIN study st ON st.id = se.study_pk WHERE i.sop_instance_uid = ANY(@sop)",
                        Values("sop", rows.Select(r => r.Message.SopInstanceUid), NpgsqlDbType.Text)));
                    await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await touched.ReadAsync(reader, [Touched.Study, Touched.Patient], cancellationToken).ConfigureAwait(false);
                    await touched.ReadAsync(reader, [Touched.Patient], cancellationToken).ConfigureAwait(false);
                    await touched.ReadAsync(reader, [Touched.Study, Touched.Patient], cancellationToken).ConfigureAwait(false);
                    await touched.ReadAsync(reader, [Touched.Series, Touched.Study], cancellationToken, report: true).ConfigureAwait(false);
                    await touched.ReadAsync(reader, [Touched.Series, Touched.Study, Touched.Patient], cancellationToken).ConfigureAwait(false);
                }
                IReadOnlyList<SeriesUpdate> updates;
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command("""
                        INSERT INTO instance (sop_instance_uid, series_pk, sop_class_uid, instance_number, transfer_syntax_uid, object_key, size,
                            checksum, source_ae_title, received_at, header)
                        SELECT t.sop, se.id, t.sop_class, t.number, t.ts, t.object_key, t.size, t.checksum, t.source, t.received_at, t.header::jsonb
                        FROM unnest(@sop, @series, @sop_class, @number, @ts, @object_key, @size, @checksum, @source, @received_at, @header)
                            AS t(sop, series, sop_class, number, ts, object_key, size, checksum, source, received_at, header)
                        JOIN series se ON se.series_instance_uid = t.series
                        ORDER BY t.sop
                        ON CONFLICT (sop_instance_uid) DO UPDATE SET series_pk = excluded.series_pk, sop_class_uid = excluded.sop_class_uid,
                            instance_number = excluded.instance_number, transfer_syntax_uid = excluded.transfer_syntax_uid,
                            object_key = excluded.object_key, size = excluded.size, checksum = excluded.checksum,
                            source_ae_title = excluded.source_ae_title, received_at = excluded.received_at, header = excluded.header
                        """,
                        Values("sop", rows.Select(r => r.Message.SopInstanceUid), NpgsqlDbType.Text),
                        Values("series", rows.Select(r => r.Message.SeriesInstanceUid), NpgsqlDbType.Text),
                        Values("sop_class", rows.Select(r => r.Message.SopClassUid), NpgsqlDbType.Text),
                        Values("number", rows.Select(r => r.InstanceNumber), NpgsqlDbType.Integer),
                        Values("ts", rows.Select(r => r.Message.TransferSyntaxUid), NpgsqlDbType.Text),
                        Values("object_key", rows.Select(r => r.Message.ObjectKey), NpgsqlDbType.Text),
                        Values("size", rows.Select(r => r.Message.Size), NpgsqlDbType.Bigint),
                        Values("checksum", rows.Select(r => r.Message.Checksum), NpgsqlDbType.Text),
                        Values("source", rows.Select(r => r.Message.SourceAETitle), NpgsqlDbType.Text),
                        Values("received_at", rows.Select(r => r.Message.ReceivedAt), NpgsqlDbType.TimestampTz),
                        Values("header", rows.Select(r => r.Message.Header), NpgsqlDbType.Text)));
                    touched.AddRefresh(batch);
                    batch.BatchCommands.Add(Command("""
                        SELECT st.study_instance_uid, se.series_instance_uid, se.instance_count
                        FROM series se JOIN study st ON st.id = se.study_pk WHERE se.id = ANY(@id) ORDER BY se.series_instance_uid
                        """, Values("id", touched.Reported, NpgsqlDbType.Bigint)));
                    updates = await ReadListAsync(batch, r => new SeriesUpdate(r.GetString(0), r.GetString(1), r.GetInt32(2)), cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return updates;
            }
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<DicomDataset> FindAsync(IndexQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var find = new FindSql(query);
        await using var command = dataSource.CreateCommand(find.Sql);
        command.Parameters.AddRange(find.Parameters.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return find.Read(reader);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<InstanceLocation>> ListInstancesAsync(IndexQuery query, CancellationToken cancellationToken)
    {
        var conditions = IndexConditions.Build(query.Identifier, QueryLevel.Image, query.FuzzyMatching);
        await using var command = dataSource.CreateCommand($"""
            SELECT st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.sop_class_uid, i.transfer_syntax_uid, i.object_key, i.size
            FROM {IndexKeys.Join(QueryLevel.Patient, QueryLevel.Image)}
            WHERE {conditions.Where(QueryLevel.Image)}
            ORDER BY st.id, se.series_number NULLS LAST, se.id, i.instance_number NULLS LAST, i.id
            """);
        command.Parameters.AddRange(conditions.Parameters.ToArray());
        var locations = new List<InstanceLocation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            locations.Add(ReadLocation(reader));
        }
        return locations;
    }

    /// <inheritdoc/>
    public async Task<IndexVersion?> GetVersionAsync(string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken)
    {
        // Ids are never reused and a replaced row takes its new received_at: count, sum of ids and newest time change with the set.
        await using var command = Scoped("SELECT count(*)::int, max(i.received_at), coalesce(sum(i.id), 0)::bigint", studyInstanceUid, seriesInstanceUid, sopInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var count = reader.GetInt32(0);
        return count == 0 ? null : new IndexVersion(count, reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<InstanceMetadata> ListMetadataAsync(
        string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Scoped(
            "SELECT st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.transfer_syntax_uid, i.header::text",
            studyInstanceUid, seriesInstanceUid, sopInstanceUid,
            " ORDER BY se.series_number NULLS LAST, se.id, i.instance_number NULLS LAST, i.id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new InstanceMetadata(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<InstanceLocation>> DeleteAsync(string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var touched = new Touched();
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    // Locks in the order upserts take them: patient, study, series (by UID).
                    batch.BatchCommands.Add(Command(
                        "SELECT p.id FROM patient p JOIN study st ON st.patient_pk = p.id WHERE st.study_instance_uid = @study FOR UPDATE OF p",
                        Text("study", studyInstanceUid)));
                    batch.BatchCommands.Add(Command("SELECT id FROM study WHERE study_instance_uid = @study FOR UPDATE", Text("study", studyInstanceUid)));
                    batch.BatchCommands.Add(Command("""
                        SELECT se.id FROM series se JOIN study st ON st.id = se.study_pk
                        WHERE st.study_instance_uid = @study AND (@series::text IS NULL OR se.series_instance_uid = @series)
                        ORDER BY se.series_instance_uid FOR UPDATE OF se
                        """, Text("study", studyInstanceUid), Text("series", seriesInstanceUid)));
                    await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await touched.ReadAsync(reader, [Touched.Patient], cancellationToken).ConfigureAwait(false);
                    await touched.ReadAsync(reader, [Touched.Study], cancellationToken).ConfigureAwait(false);
                    await touched.ReadAsync(reader, [Touched.Series], cancellationToken).ConfigureAwait(false);
                }
                IReadOnlyList<InstanceLocation> deleted;
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command("""
                        DELETE FROM instance i USING series se JOIN study st ON st.id = se.study_pk
                        WHERE i.series_pk = se.id AND se.id = ANY(@series) AND (@sop::text IS NULL OR i.sop_instance_uid = @sop)
                        RETURNING st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.sop_class_uid, i.transfer_syntax_uid, i.object_key, i.size
                        """, Values("series", touched.Ids[Touched.Series], NpgsqlDbType.Bigint), Text("sop", sopInstanceUid)));
                    touched.AddRefresh(batch);
                    deleted = await ReadListAsync(batch, ReadLocation, cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return [.. deleted.OrderBy(l => l.SeriesInstanceUid, StringComparer.Ordinal).ThenBy(l => l.SopInstanceUid, StringComparer.Ordinal)];
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SeriesUpdate>> TakeStableSeriesAsync(TimeSpan quietPeriod, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var command = dataSource.CreateCommand("""
            UPDATE series se SET stable_reported_at = @now FROM study st
            WHERE st.id = se.study_pk AND se.id IN (
                SELECT id FROM series WHERE stable_reported_at IS NULL AND last_changed_at <= @quiet_since ORDER BY id FOR UPDATE SKIP LOCKED)
            RETURNING st.study_instance_uid, se.series_instance_uid, se.instance_count
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz) { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("quiet_since", NpgsqlDbType.TimestampTz) { TypedValue = now - quietPeriod });
        var stable = new List<SeriesUpdate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stable.Add(new SeriesUpdate(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }
        return stable;
    }

    /// <summary>A command selecting <paramref name="select"/> over the instances of a study, one series of it, or one instance.</summary>
    private NpgsqlCommand Scoped(string select, string study, string? series, string? sop, string orderBy = "")
    {
        var command = dataSource.CreateCommand($"""
            {select}
            FROM study st JOIN series se ON se.study_pk = st.id JOIN instance i ON i.series_pk = se.id
            WHERE st.study_instance_uid = @study AND (@series::text IS NULL OR se.series_instance_uid = @series)
                AND (@sop::text IS NULL OR i.sop_instance_uid = @sop){orderBy}
            """);
        command.Parameters.Add(Text("study", study));
        command.Parameters.Add(Text("series", series));
        command.Parameters.Add(Text("sop", sop));
        return command;
    }

    private static List<IndexedInstance> Latest<TKey>(List<IndexedInstance> rows, Func<IndexedInstance, TKey> key) =>
        [.. rows.GroupBy(key).Select(g => g.Last())];

    private static InstanceLocation ReadLocation(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6));

    /// <summary>Runs <paramref name="batch"/> and reads the rows of its first command that returns any columns.</summary>
    private static async Task<IReadOnlyList<T>> ReadListAsync<T>(NpgsqlBatch batch, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            if (reader.FieldCount > 0)
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(read(reader));
                }
                break;
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        // Consume the rest, so that errors of later commands surface here.
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }
        return list;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    // Headers travel as text[] and are cast in the statement: a jsonb[] parameter made upserts of 100 instances 3.5 times slower.
    private static NpgsqlParameter Values<T>(string name, IEnumerable<T> values, NpgsqlDbType elementType) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values.ToArray() };

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    /// <summary>
    /// The rows a write touched, by level: their counts are recomputed and, left empty, they are removed (series without
    /// instances, studies without series, patients without studies), in the lock order of the writes.
    /// </summary>
    private sealed class Touched
    {
        public const int Patient = 0, Study = 1, Series = 2;

        public List<long>[] Ids { get; } = [[], [], []];

        /// <summary>The series whose counts the write reports.</summary>
        public List<long> Reported { get; } = [];

        /// <summary>Reads one result set of ids, column i into level <paramref name="levels"/>[i].</summary>
        public async Task ReadAsync(NpgsqlDataReader reader, int[] levels, CancellationToken cancellationToken, bool report = false)
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < levels.Length; i++)
                {
                    Ids[levels[i]].Add(reader.GetInt64(i));
                }
                if (report)
                {
                    Reported.Add(reader.GetInt64(0));
                }
            }
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        public void AddRefresh(NpgsqlBatch batch)
        {
            var series = Values("id", Ids[Series].Distinct(), NpgsqlDbType.Bigint);
            batch.BatchCommands.Add(Command(
                "UPDATE series se SET instance_count = (SELECT count(*) FROM instance i WHERE i.series_pk = se.id) WHERE se.id = ANY(@id)", series));
            batch.BatchCommands.Add(Command("DELETE FROM series se WHERE se.id = ANY(@id) AND se.instance_count = 0", series.Clone()));
            var studies = Values("id", Ids[Study].Distinct(), NpgsqlDbType.Bigint);
            batch.BatchCommands.Add(Command("""
                UPDATE study st SET series_count = c.series_count, instance_count = c.instance_count, modalities_in_study = c.modalities
                FROM (SELECT se.study_pk, count(*)::int AS series_count, sum(se.instance_count)::int AS instance_count,
                        coalesce(array_agg(DISTINCT se.modality ORDER BY se.modality) FILTER (WHERE se.modality <> ''), '{}') AS modalities
                      FROM series se WHERE se.study_pk = ANY(@id) GROUP BY se.study_pk) c
                WHERE st.id = c.study_pk
                """, studies));
            batch.BatchCommands.Add(Command(
                "DELETE FROM study st WHERE st.id = ANY(@id) AND NOT EXISTS (SELECT 1 FROM series se WHERE se.study_pk = st.id)", studies.Clone()));
            batch.BatchCommands.Add(Command(
                "DELETE FROM patient p WHERE p.id = ANY(@id) AND NOT EXISTS (SELECT 1 FROM study st WHERE st.patient_pk = p.id)",
                Values("id", Ids[Patient].Distinct(), NpgsqlDbType.Bigint)));
        }
    }
}
