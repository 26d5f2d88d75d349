using System.IO.Compression;
using Isocenter.DicomWeb.Activity;
using Isocenter.DicomWeb.Delete;
using Isocenter.DicomWeb.Metadata;
using Isocenter.DicomWeb.Query;
using Isocenter.DicomWeb.Retrieve;
using Isocenter.DicomWeb.Store;
using Isocenter.Index;
using Isocenter.Messaging;
using Isocenter.ObjectStore;
using Isocenter.ServiceDefaults;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.ResponseCompression;

namespace Isocenter.DicomWeb;

/// <summary>The service's web host; <c>Program.cs</c> runs it and the tests start it with their own settings.</summary>
public static class DicomWebHost
{
    /// <summary>
    /// The host, configured from <paramref name="args"/>, appsettings.json and the environment; <paramref name="configure"/>
    /// (tests) sees the builder before it is built.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddServiceDefaults();
        builder.Services.AddIndex(builder.Configuration);
        builder.Services.AddObjectStore(builder.Configuration);
        builder.Services.AddProblemErrors();
        // DICOM JSON only: never the activity feed's text/event-stream, whose events must leave one by one.
        builder.Services.AddResponseCompression(options => options.MimeTypes = [DicomWebMediaTypes.DicomJson]);
        // Brotli's Fastest (quality 1) compresses each write on its own, and responses are written 4 KB at a time: 300
        // instances' metadata (1 MB of JSON) came out at 330 KB. Optimal (quality 4) compresses across writes: 16 KB, in
        // less CPU (2.4 ms against 6.7 ms).
        builder.Services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Optimal);
        builder.Services.AddStore(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ActivityFeed>();
        builder.AddIsocenterMessaging("dicomweb", bus => bus.AddInstanceConsumer<ActivityConsumer>(MessagingExtensions.InstanceEndpoint("dicomweb-activity")));
        // Behind the gateway: Retrieve URLs and the Warning header name the origin the client used (X-Forwarded-Host and
        // -Proto), accepted from loopback proxies (ASP.NET's default; a gateway on another host is added to KnownProxies).
        builder.Services.Configure<ForwardedHeadersOptions>(options => options.ForwardedHeaders = ForwardedHeaders.All);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseProblemErrors();
        app.UseResponseCompression();
        app.MapDefaultEndpoints();
        var dicomWeb = app.MapGroup(DicomWebRoutes.Base);
        dicomWeb.MapQido();
        dicomWeb.MapMetadata();
        dicomWeb.MapRetrieve();
        dicomWeb.MapStore().MapDelete();
        app.MapActivity();
        return app;
    }
}
