using System.Diagnostics.Metrics;

namespace Isocenter.Gateway;

/// <summary>The gateway's one <see cref="Meter"/>, named <see cref="Name"/> (exported with the services' <c>Isocenter.*</c> meters).</summary>
internal static class GatewayTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string Name = "Isocenter.Gateway";

    /// <summary>The meter.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Audit entries not stored in the database because the writer's queue was full (they are still in the audit log).</summary>
    public static readonly Counter<long> AuditDropped = Meter.CreateCounter<long>("isocenter.gateway.audit.dropped",
        description: "Audit entries not written to audit_event because the writer's queue was full (the audit log still has them).");
}
