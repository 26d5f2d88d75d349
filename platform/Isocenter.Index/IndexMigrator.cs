using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Isocenter.Index;

/// <summary>
/// Applies the numbered SQL migrations embedded in this assembly (<c>Migrations/0001_initial.sql</c>, ...) that the
/// database's <c>schema_migrations</c> table does not list yet, each in its own transaction, under a PostgreSQL advisory
/// lock so that services starting at once apply each migration once.
/// </summary>
public sealed partial class IndexMigrator(NpgsqlDataSource dataSource, ILogger<IndexMigrator> logger)
{
    // Any constant shared by every process migrating the index ("isocenter" in ASCII); advisory locks are per database.
    private const long LockKey = 0x69736f63656e7465;

    /// <summary>The embedded migrations in order: version (the file name's number) and SQL.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Applies the migrations the database lacks; returns the versions applied (none when it is up to date).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
            try
            {
                await ExecuteAsync(connection, null,
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                    cancellationToken).ConfigureAwait(false);
                var applied = new HashSet<int>();
                await using (var select = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
                await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        applied.Add(reader.GetInt32(0));
                    }
                }
                var done = new List<int>();
                foreach (var (version, name, sql) in Migrations.Where(m => !applied.Contains(m.Version)))
                {
                    var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                        await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
                        {
                            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    LogApplied(logger, version, name);
                    done.Add(version);
                }
                return done;
            }
            finally
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<(int, string, string)> LoadMigrations()
    {
        var assembly = typeof(IndexMigrator).Assembly;
        var migrations = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Migrations/", StringComparison.Ordinal)))
        {
            var name = Path.GetFileNameWithoutExtension(resource);
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add((version, name, reader.ReadToEnd()));
        }
        return [.. migrations.OrderBy(m => m.Item1)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index migration {Version} ({Name}) applied")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}
