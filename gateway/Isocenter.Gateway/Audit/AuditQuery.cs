using Isocenter.Gateway.Auth;
using Isocenter.Index;
using Npgsql;

namespace Isocenter.Gateway.Audit;

/// <summary>
/// The audit trail's registration (<see cref="AuditStore"/>, with the index's migrations when a database is configured) and
/// <c>GET /api/audit?user=&amp;action=&amp;study=&amp;from=&amp;to=&amp;limit=</c>, served by the gateway itself to administrators only.
/// </summary>
internal static class AuditQuery
{
    /// <summary>The route.</summary>
    public const string Route = "/api/audit";

    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    /// <summary>
    /// The store; with <c>ConnectionStrings:Index</c> also the index (its data source, health check) and its migrations, applied at
    /// start (<c>audit_event</c> among them) as the other services that own index tables do.
    /// </summary>
    public static IServiceCollection AddAuditStore(this IServiceCollection services, IConfiguration configuration)
    {
        var stored = !string.IsNullOrEmpty(configuration.GetConnectionString(IndexServiceCollectionExtensions.ConnectionStringName));
        if (stored)
        {
            services.AddIndex(configuration).AddIndexMigrations();
        }
        services.AddSingleton(provider => new AuditStore(stored ? provider.GetRequiredService<NpgsqlDataSource>() : null, provider.GetRequiredService<ILogger<AuditStore>>()));
        services.AddHostedService(provider => provider.GetRequiredService<AuditStore>());
        return services;
    }

    /// <summary>Maps the query (before the proxy's <c>/api</c> catch-all: a literal route wins).</summary>
    public static void MapAuditQuery(this WebApplication app) => app.MapGet(Route, QueryAsync);

    private static async Task<IResult> QueryAsync(HttpContext context, AuditStore store, GatewayAdmins admins, string? user, string? action, string? study,
        DateTimeOffset? from, DateTimeOffset? to, int? limit, CancellationToken cancellationToken)
    {
        if (!admins.IsAdmin(context.User))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Administrators only",
                detail: $"The audit trail is open to administrators ({GatewayAdmins.Section}, or a token whose roles include {GatewayAdmins.Role}).");
        }
        if (!store.IsEnabled)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The audit trail is not stored",
                detail: $"This gateway has no database (ConnectionStrings:{IndexServiceCollectionExtensions.ConnectionStringName}): its audit is in the log only.");
        }
        var errors = new Dictionary<string, string[]>();
        if (action is not null && !AuditAction.All.Contains(action))
        {
            errors["action"] = [$"One of {string.Join(", ", AuditAction.All)}."];
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"1 to {MaxLimit} (default {DefaultLimit})."];
        }
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "The audit query is not valid");
        }
        return Results.Ok(await store.QueryAsync(user, action, study, from, to, limit ?? DefaultLimit, cancellationToken));
    }
}
