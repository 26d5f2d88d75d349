using System.Threading.Channels;
using Isocenter.Index;
using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Gateway.Audit;

/// <summary>One audited request, as a row of <c>audit_event</c>.</summary>
internal sealed record AuditEvent(DateTimeOffset At, string Subject, string Scheme, string Action, string? StudyInstanceUid, string Method,
    string Path, int Status, string Client);

/// <summary>An <c>audit_event</c> row as <c>GET /api/audit</c> answers it.</summary>
internal sealed record AuditRow(long Id, DateTimeOffset At, string Subject, string Scheme, string Action, string? StudyInstanceUid, string Method,
    string Path, int Status, string Client);

/// <summary>
/// The audit trail in PostgreSQL (<c>audit_event</c>, migration 0005) when <c>ConnectionStrings:Index</c> is configured, else
/// none (the audit log only, said at start). Requests only enqueue (<see cref="Enqueue"/>: never waits, never fails; a full
/// queue drops the entry, counted and warned); this background writer drains the queue in batches by binary COPY.
/// </summary>
internal sealed partial class AuditStore(NpgsqlDataSource? dataSource, ILogger<AuditStore> logger) : BackgroundService
{
    /// <summary>Entries waiting at most (about 10 s of a busy gateway); beyond, new ones are dropped.</summary>
    public const int QueueCapacity = 10_000;

    private const int MaxBatch = 1000;

    private readonly Channel<AuditEvent> _queue = Channel.CreateBounded<AuditEvent>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _dropped;

    /// <summary>Whether entries are stored (a database is configured).</summary>
    public bool IsEnabled => dataSource is not null;

    /// <summary>Queues <paramref name="entry"/> for the writer; drops it (counted, warned) when the queue is full.</summary>
    public void Enqueue(AuditEvent entry)
    {
        if (dataSource is null || _queue.Writer.TryWrite(entry))
        {
            return;
        }
        GatewayTelemetry.AuditDropped.Add(1);
        var dropped = Interlocked.Increment(ref _dropped);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            Dropped(logger, dropped, QueueCapacity);
        }
    }

    /// <summary>The rows that match, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<AuditRow>> QueryAsync(string? user, string? action, string? study, DateTimeOffset? from, DateTimeOffset? to, int limit,
        CancellationToken cancellationToken)
    {
        var source = dataSource ?? throw new InvalidOperationException("The audit trail has no database (ConnectionStrings:Index).");
        await using var command = source.CreateCommand("""
            SELECT id, at, subject, scheme, action, study_instance_uid, method, path, status, client FROM audit_event
            WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR study_instance_uid = $3)
              AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
            ORDER BY at DESC, id DESC LIMIT $6
            """);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)user ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)action ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)study ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)from?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)to?.ToUniversalTime() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<AuditRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AuditRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetInt32(8), reader.GetString(9)));
        }
        return rows;
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete(); // the writer drains what is queued, then ends
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (dataSource is null)
        {
            LogOnly(logger, IndexServiceCollectionExtensions.ConnectionStringName);
            return;
        }
        var batch = new List<AuditEvent>(MaxBatch);
        // Not stoppingToken: at shutdown the queue is completed and drained rather than abandoned.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }
            try
            {
                await WriteAsync(dataSource, batch);
            }
            catch (NpgsqlException e)
            {
                WriteFailed(logger, batch.Count, e);
            }
            batch.Clear();
        }
    }

    private static async Task WriteAsync(NpgsqlDataSource source, List<AuditEvent> batch)
    {
        await using var connection = await source.OpenConnectionAsync(CancellationToken.None);
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY audit_event (at, subject, scheme, action, study_instance_uid, method, path, status, client) FROM STDIN (FORMAT BINARY)", CancellationToken.None);
        foreach (var entry in batch)
        {
            await import.StartRowAsync(CancellationToken.None);
            await import.WriteAsync(entry.At, NpgsqlDbType.TimestampTz, CancellationToken.None);
            await import.WriteAsync(entry.Subject, NpgsqlDbType.Text, CancellationToken.None);
            await import.WriteAsync(entry.Scheme, NpgsqlDbType.Text, CancellationToken.None);
            await import.WriteAsync(entry.Action, NpgsqlDbType.Text, CancellationToken.None);
            await import.WriteAsync(entry.StudyInstanceUid, NpgsqlDbType.Text, CancellationToken.None);
            await import.WriteAsync(entry.Method, NpgsqlDbType.Text, CancellationToken.None);
            await import.WriteAsync(entry.Path, NpgsqlDbType.Text, CancellationToken.None);
            await import.WriteAsync(entry.Status, NpgsqlDbType.Integer, CancellationToken.None);
            await import.WriteAsync(entry.Client, NpgsqlDbType.Text, CancellationToken.None);
        }
        await import.CompleteAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Audit trail: no ConnectionStrings:{Name} configured, audit entries go to the audit log only (GET /api/audit answers 503)")]
    private static partial void LogOnly(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Audit trail: {Dropped} entries dropped so far, the writer's queue ({Capacity}) was full; they are in the audit log only")]
    private static partial void Dropped(ILogger logger, long dropped, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit trail: {Count} entries could not be written to audit_event (they are in the audit log)")]
    private static partial void WriteFailed(ILogger logger, int count, Exception exception);
}
