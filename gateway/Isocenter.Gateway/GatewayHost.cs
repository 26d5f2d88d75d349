using Isocenter.Gateway.Audit;
using Isocenter.Gateway.Auth;
using Isocenter.Gateway.Login;
using Isocenter.Gateway.Proxy;
using Isocenter.Gateway.RateLimits;
using Isocenter.Gateway.Sessions;
using Isocenter.Gateway.Viewer;
using Isocenter.ServiceDefaults;

namespace Isocenter.Gateway;

/// <summary>The gateway's web host; <c>Program.cs</c> runs it and the tests start it in-process with their own settings.</summary>
public static class GatewayHost
{
    /// <summary>
    /// The host, configured from <paramref name="args"/>, appsettings.json and the environment; <paramref name="configure"/>
    /// (tests) sees the builder before it is built. Every request needs an authenticated user except the health endpoints and the login page.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddServiceDefaults();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddGatewayAuthentication(builder.Configuration);
        builder.Services.AddUserRateLimits(builder.Configuration);
        builder.Services.AddGatewayForwardedHeaders(builder.Configuration);
        builder.Services.AddGatewayProxy(builder.Configuration);
        builder.Services.AddScopedSessions(builder.Configuration);
        configure?.Invoke(builder);
        builder.Services.AddAuditStore(builder.Configuration); // after configure: whether there is a database decides what it registers
        GatewayAuthOptions.From(builder.Configuration).ThrowIfNoTokenValidation();
        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseAuthentication();
        app.UseMiddleware<AuditMiddleware>(); // after authentication (who), before authorization and limits (their refusals too)
        app.UseLaunchLinks(); // before authorization: a launch URL opens a session
        app.UseAuthorization();
        app.UseScopePolicy(); // share-link and launch sessions: what they may read
        app.UseRateLimiter();
        app.UseWebViewer(); // static files after authorization: closed like everything else
        app.MapDefaultEndpoints();
        app.MapBrowserLogin();
        app.MapShareLinkLanding();
        app.MapLaunchTokens();
        app.MapAuditQuery();
        app.MapGatewayProxy();
        app.MapWebViewerFallback();
        return app;
    }

    /// <summary>The host's configuration (appsettings.json, the environment, <paramref name="args"/>) for the command-line verbs.</summary>
    public static IConfiguration ReadConfiguration(string[] args)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
    }
}
