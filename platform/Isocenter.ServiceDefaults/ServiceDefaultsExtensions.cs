using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Isocenter.ServiceDefaults;

/// <summary>
/// <c>AddServiceDefaults()</c> and <c>MapDefaultEndpoints()</c>, as in dotnet/eShop, so that each service's
/// <c>Program.cs</c> holds only what is its own.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The liveness endpoint: the process is up and serving (only checks tagged <see cref="LiveTag"/>).</summary>
    public const string AlivePath = "/alive";

    /// <summary>The readiness endpoint: every registered health check.</summary>
    public const string HealthPath = "/health";

    /// <summary>The Prometheus scraping endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// The header in which the gateway tells a backend who the authenticated user is (a client's own value never gets
    /// through); the render service keeps one session per user and series by it.
    /// </summary>
    public const string UserHeader = "X-Isocenter-User";

    /// <summary>The tag of the health checks that <see cref="AlivePath"/> runs.</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// The longest request line a service accepts (Kestrel's default is 8 KiB): a reviewer's QIDO search carries the
    /// reading set's study UIDs in its URL (the gateway narrows it so), and a set may hold 1,000 studies.
    /// </summary>
    public const int MaxRequestLineSize = 64 * 1024;

    /// <summary>
    /// Console logs, OpenTelemetry (metrics of every <c>Isocenter.*</c> meter, MassTransit, Npgsql, ASP.NET Core, HttpClient
    /// and the runtime, exported for Prometheus; traces of every <c>Isocenter.*</c> activity source, MassTransit, Npgsql,
    /// ASP.NET Core and HttpClient (the trace context travels in message headers), recorded and exported over OTLP only
    /// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), a "self" liveness check, ProblemDetails and request lines up to
    /// <see cref="MaxRequestLineSize"/>.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
            options.UseUtcTimestamp = true;
        });
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddMeter("Isocenter.*", "MassTransit", "Npgsql", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime")
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Spans are recorded only when there is somewhere to send them: recording them for nobody costs CPU on every
            // C-STORE, message and query.
            telemetry.WithTracing(tracing => tracing.AddSource("Isocenter.*", "MassTransit", "Npgsql", "Microsoft.AspNetCore", "System.Net.Http"))
                .UseOtlpExporter();
        }
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddProblemDetails();
        builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestLineSize = MaxRequestLineSize);
        return builder;
    }

    /// <summary>
    /// Maps <see cref="HealthPath"/>, <see cref="AlivePath"/> and <see cref="MetricsPath"/>, in every environment, open to
    /// anonymous requests where a host requires authentication (the gateway): probes and scrapers carry no credentials.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag), ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The overall status as plain text (what probes read), or, for <c>Accept: application/json</c>, each check with its status,
    /// description and data (what a person asks: which database, which accelerator).
    /// </summary>
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        if (!context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(report.Status.ToString());
        }
        return context.Response.WriteAsJsonAsync(new
        {
            Status = report.Status.ToString(),
            Checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                Status = e.Value.Status.ToString(),
                e.Value.Description,
                Data = e.Value.Data.ToDictionary(d => d.Key, d => d.Value.ToString()),
            }),
        });
    }
}
