using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Isocenter.Index;

/// <summary>Healthy when the index's PostgreSQL server answers a query.</summary>
internal sealed class IndexHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL does not answer: " + e.Message, e);
        }
    }
}
