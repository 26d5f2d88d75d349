using System.Diagnostics;
using Npgsql;

namespace Isocenter.Testing;

/// <summary>
/// The PostgreSQL, RabbitMQ and S3 servers that <c>scripts/infra.sh up</c> runs on loopback (<c>./dev.sh test</c> starts
/// them). Settings come from the environment as services read them (<c>ConnectionStrings__Index</c>, ...), else from the
/// checkout's <c>dev.env</c>. Each test class takes a database, virtual host or bucket of its own, so classes run in
/// parallel without seeing each other's data.
/// </summary>
public static class LocalServers
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> DevEnv = new(ReadDevEnv);

    /// <summary>The checkout's root (the folder holding dev.env).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The connection string of the server's default database (the isocenter role may create databases).</summary>
    public static string PostgresConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__Index")
        ?? $"Host=127.0.0.1;Port={Setting("ISOCENTER_PG_PORT")};Username={Setting("ISOCENTER_PG_USER")};Password={Setting("ISOCENTER_PG_PASSWORD")};Database={Setting("ISOCENTER_PG_DATABASE")}";

    /// <summary>The broker's AMQP URI, default virtual host.</summary>
    public static Uri RabbitMqUri => new(Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq")
        ?? $"amqp://{Setting("ISOCENTER_RABBITMQ_USER")}:{Setting("ISOCENTER_RABBITMQ_PASSWORD")}@127.0.0.1:{Setting("ISOCENTER_RABBITMQ_PORT")}/");

    /// <summary>The S3 endpoint (s3rver), e.g. <c>http://127.0.0.1:59000</c>.</summary>
    public static Uri S3Endpoint => new(Environment.GetEnvironmentVariable("ObjectStore__Endpoint") ?? $"http://127.0.0.1:{Setting("ISOCENTER_S3_PORT")}");

    /// <summary>The S3 access key.</summary>
    public static string S3AccessKey => Environment.GetEnvironmentVariable("ObjectStore__AccessKey") ?? Setting("ISOCENTER_S3_ACCESS_KEY");

    /// <summary>The S3 secret key.</summary>
    public static string S3SecretKey => Environment.GetEnvironmentVariable("ObjectStore__SecretKey") ?? Setting("ISOCENTER_S3_SECRET_KEY");

    /// <summary>A new, empty database named after <paramref name="prefix"/> and a random suffix; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = UniqueName(prefix, '_');
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"PostgreSQL is not reachable ({e.Message}): run ./dev.sh test, or scripts/infra.sh up.", e);
        }
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>A new RabbitMQ virtual host named after <paramref name="prefix"/>; returns the AMQP URI that selects it.</summary>
    public static async Task<Uri> CreateVirtualHostAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = UniqueName(prefix, '-');
        await RunInfraAsync(cancellationToken, "vhost", name);
        return new UriBuilder(RabbitMqUri) { Path = "/" + name }.Uri;
    }

    /// <summary>A bucket name for one test class (S3 rules: lower-case letters, digits and hyphens).</summary>
    public static string UniqueBucketName(string prefix) => UniqueName(prefix.ToLowerInvariant(), '-');

    /// <summary>Stops one server of scripts/infra.sh (<c>postgres</c>, <c>rabbitmq</c> or <c>s3</c>), for tests of outages.</summary>
    public static Task StopAsync(string server, CancellationToken cancellationToken = default) => RunInfraAsync(cancellationToken, "down", server);

    /// <summary>Starts one server of scripts/infra.sh again and waits until it answers.</summary>
    public static Task StartAsync(string server, CancellationToken cancellationToken = default) => RunInfraAsync(cancellationToken, "up", server);

    private static async Task RunInfraAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "scripts", "infra.sh")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/infra.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }

    private static string UniqueName(string prefix, char separator) => $"{prefix}{separator}{Guid.NewGuid().ToString("N")[..12]}";

    private static string Setting(string name) => Environment.GetEnvironmentVariable(name) ?? (DevEnv.Value.TryGetValue(name, out var value)
        ? value
        : throw new InvalidOperationException($"{name} is neither in the environment nor in {Path.Combine(RepositoryRoot, "dev.env")}."));

    private static Dictionary<string, string> ReadDevEnv() => File.ReadLines(Path.Combine(RepositoryRoot, "dev.env"))
        .Where(line => line.Length > 0 && line[0] != '#' && line.Contains('=', StringComparison.Ordinal))
        .Select(line => line.Split('=', 2))
        .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "dev.env")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No dev.env above {AppContext.BaseDirectory}: the tests run from a checkout of Isocenter.");
    }
}
