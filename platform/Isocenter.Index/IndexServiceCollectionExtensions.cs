using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Isocenter.Index;

/// <summary><c>AddIndex()</c>: the index for a service's container.</summary>
public static class IndexServiceCollectionExtensions
{
    /// <summary>The connection string naming the index's database (<c>ConnectionStrings__Index</c>).</summary>
    public const string ConnectionStringName = "Index";

    /// <summary>The tag of the index's health check (readiness).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// An <see cref="NpgsqlDataSource"/> on <c>ConnectionStrings:Index</c>, <see cref="IIndexStore"/>
    /// (<see cref="PostgresIndexStore"/>), <see cref="IndexMigrator"/> and a PostgreSQL health check tagged "ready".
    /// </summary>
    public static IServiceCollection AddIndex(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} (the index's PostgreSQL database, e.g. Host=127.0.0.1;Port=55432;Username=isocenter;Password=isocenter;Database=isocenter) is not configured; ./dev.sh sets it from dev.env.");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(provider.GetService<ILoggerFactory>())
            .Build());
        services.TryAddSingleton<IIndexStore, PostgresIndexStore>();
        services.TryAddSingleton<IndexMigrator>();
        services.AddHealthChecks().AddCheck<IndexHealthCheck>("index", tags: [ReadyTag]);
        return services;
    }
}
