using Isocenter.Index;
using Isocenter.ObjectStore;
using Isocenter.ServiceDefaults;

namespace Isocenter.Ingest;

/// <summary>The service's web host; <c>Program.cs</c> runs it and the tests start it in-process with their own settings.</summary>
public static class IngestHost
{
    /// <summary>
    /// The host, configured from <paramref name="args"/>, appsettings.json and the environment; <paramref name="configure"/>
    /// (tests) sees the builder after the service's own registrations, before it is built.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddServiceDefaults();
        builder.Services.AddObjectStore(builder.Configuration);
        builder.Services.AddIndex(builder.Configuration); // C-FIND, C-MOVE and C-GET answer from it
        builder.AddIngest();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
