using Isocenter.Index;
using Isocenter.Messaging;
using Isocenter.ObjectStore;
using Isocenter.Pacs.Nodes;
using Isocenter.Pacs.Query;
using Isocenter.Pacs.Retrieve;
using Isocenter.ServiceDefaults;

namespace Isocenter.Pacs;

/// <summary>The service's web host; <c>Program.cs</c> runs it and the tests start it with their own settings.</summary>
public static class PacsHost
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
        builder.Services.AddPacs(builder.Configuration); // before messaging: migrations and seeding run before consumers start
        builder.AddIsocenterMessaging("pacs", bus => bus.AddPacsConsumers());
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseProblemErrors();
        app.MapDefaultEndpoints();
        app.MapNodes().MapRemoteQuery();
        app.MapRetrievals();
        return app;
    }
}
