using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Index;
using Isocenter.Messaging;
using Isocenter.ObjectStore;
using Isocenter.Render.Frames;
using Isocenter.Render.Messaging;
using Isocenter.Render.Sessions;
using Isocenter.Render.Volumes;
using Isocenter.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Isocenter.Render;

/// <summary>The service's web host; <c>Program.cs</c> runs it and the tests and benchmarks start it with their own settings.</summary>
public static partial class RenderHost
{
    /// <summary>
    /// The host, configured from <paramref name="args"/>, appsettings.json and the environment; <paramref name="configure"/>
    /// sees the builder before it is built.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddServiceDefaults();
        builder.Services.AddIndex(builder.Configuration);
        builder.Services.AddObjectStore(builder.Configuration);
        builder.Services.AddProblemErrors();
        builder.Services.Configure<RenderOptions>(builder.Configuration.GetSection(RenderOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(DicomCodecRegistry.CreateDefault());
        builder.Services.AddSingleton(provider => FrameRenderer.Create(provider.GetRequiredService<IOptions<RenderOptions>>().Value.Accelerator));
        builder.Services.AddSingleton<SeriesVolumeLoader>();
        builder.Services.AddSingleton<VolumeCache>();
        builder.Services.AddSingleton<FrameService>();
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.AddHealthChecks().AddCheck<RendererHealthCheck>("renderer");
        builder.AddIsocenterMessaging("render", bus =>
        {
            // Every instance drops its own copy of a changed series: a queue of its own, deleted when it stops.
            var instance = MessagingExtensions.InstanceEndpoint("render-cache");
            bus.AddInstanceConsumer<SeriesChangedConsumer>(instance);
            bus.AddInstanceConsumer<InstancesDeletedConsumer>(instance);
            bus.AddConsumer<PrepareVolumeConsumer>();
        });
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseProblemErrors();
        app.UseWebSockets();
        app.MapDefaultEndpoints();
        app.MapRender();
        var description = app.Services.GetRequiredService<FrameRenderer>().Description;
        var budget = app.Services.GetRequiredService<IOptions<RenderOptions>>().Value.CacheBudgetMiB;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RenderHost));
        LogRenderer(logger, description, budget);
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rendering with {Renderer}; volume cache budget {BudgetMiB} MiB")]
    private static partial void LogRenderer(ILogger logger, string renderer, int budgetMiB);

    /// <summary>Healthy once the renderer exists; its description (which accelerator) is the check's.</summary>
    private sealed class RendererHealthCheck(FrameRenderer renderer) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy(renderer.Description, new Dictionary<string, object> { ["gpu"] = renderer.IsGpu }));
    }
}
