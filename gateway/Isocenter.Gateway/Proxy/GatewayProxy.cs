using System.Net;
using Isocenter.Gateway.Auth;
using Isocenter.Gateway.Login;
using Isocenter.Gateway.Sessions;
using Isocenter.ServiceDefaults;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace Isocenter.Gateway.Proxy;

/// <summary>
/// The YARP routes and clusters (<c>ReverseProxy</c> in appsettings.json: /dicomweb, /render, /api) and the forwarded headers
/// accepted from proxies in front of the gateway (<c>Gateway:ForwardedHeaders</c>: <c>KnownProxies</c>, <c>KnownNetworks</c>,
/// <c>ForwardLimit</c>).
/// </summary>
internal static class GatewayProxy
{
    /// <summary>
    /// Registers YARP with its configuration and the series-affinity load balancing policy. API keys and the browser's session
    /// cookie are the gateway's secrets and stop here (so do the share-link and launch cookies); bearer tokens in the Authorization header go on (a backend may check them itself); the authenticated user goes on in
    /// <see cref="ServiceDefaultsExtensions.UserHeader"/> (their subject, or the API key's name), an administrator's role in
    /// <see cref="GatewayAdmins.RolesHeader"/>, a share session's reading set in <see cref="ScopedSessions.ReadingSetHeader"/>
    /// (clients' own values of the three are removed); a proxied revocation of a share link ends its sessions at once.
    /// </summary>
    public static IServiceCollection AddGatewayProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ILoadBalancingPolicy, SeriesAffinityPolicy>();
        services.AddReverseProxy().LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddTransforms(transforms => transforms.AddRequestTransform(transform =>
            {
                var headers = transform.ProxyRequest.Headers;
                headers.Remove(ApiKeyAuthenticationHandler.Header);
                headers.Remove(ServiceDefaultsExtensions.UserHeader);
                headers.Remove(GatewayAdmins.RolesHeader);
                headers.Remove(ScopedSessions.ReadingSetHeader);
                var principal = transform.HttpContext.User;
                if (GatewayUser.Subject(principal) is { } user)
                {
                    headers.TryAddWithoutValidation(ServiceDefaultsExtensions.UserHeader, user);
                }
                if (transform.HttpContext.RequestServices.GetRequiredService<GatewayAdmins>().IsAdmin(principal))
                {
                    headers.TryAddWithoutValidation(GatewayAdmins.RolesHeader, GatewayAdmins.AdminRole);
                }
                if (SessionScope.Of(principal)?.ReadingSetId is { } readingSet)
                {
                    headers.TryAddWithoutValidation(ScopedSessions.ReadingSetHeader, readingSet.ToString());
                }
                if (headers.Authorization?.Scheme.Equals(ApiKeyAuthenticationHandler.SchemeName, StringComparison.OrdinalIgnoreCase) == true)
                {
                    headers.Authorization = null;
                }
                if (headers.TryGetValues(HeaderNames.Cookie, out var cookies))
                {
                    var kept = BrowserLogin.WithoutSessionCookie(cookies);
                    headers.Remove(HeaderNames.Cookie);
                    if (kept is not null)
                    {
                        headers.TryAddWithoutValidation(HeaderNames.Cookie, kept);
                    }
                }
                return ValueTask.CompletedTask;
            }).AddResponseTransform(transform =>
            {
                // A share link revoked, or its reading set deleted, through this gateway: its sessions end with the next request.
                if (transform.ProxyResponse?.IsSuccessStatusCode == true && HttpMethods.IsDelete(transform.HttpContext.Request.Method)
                    && RevokedId(transform.HttpContext.Request.Path) is { } id)
                {
                    transform.HttpContext.RequestServices.GetRequiredService<ShareLinks>().Evict(id);
                }
                return ValueTask.CompletedTask;
            }));
        return services;
    }

    /// <summary>The share link (<c>DELETE /api/share-links/{id}</c>) or reading set (<c>DELETE /api/reading-sets/{id}</c>) a DELETE ends, or null.</summary>
    internal static Guid? RevokedId(PathString path) =>
        (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries) is ["api", "share-links" or "reading-sets", var id] && Guid.TryParse(id, out var guid)
            ? guid
            : null;

    /// <summary>
    /// Accepts X-Forwarded-For/Proto/Host from loopback and the configured proxies and networks only; YARP then sets them on
    /// the proxied request from what was accepted (the client's address, the original scheme and host).
    /// </summary>
    public static IServiceCollection AddGatewayForwardedHeaders(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            var section = configuration.GetSection("Gateway:ForwardedHeaders");
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            options.ForwardLimit = section.GetValue("ForwardLimit", 1); // one entry per trusted proxy in the chain
            foreach (var proxy in section.GetSection("KnownProxies").Get<string[]>() ?? [])
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in section.GetSection("KnownNetworks").Get<string[]>() ?? [])
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

    /// <summary>Maps the routes; a cluster without a destination (e.g. /api not configured) answers 503 with a problem body.</summary>
    public static void MapGatewayProxy(this WebApplication app) =>
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(async (context, next) =>
            {
                if (context.GetReverseProxyFeature().AvailableDestinations.Count == 0)
                {
                    await NoDestinationAsync(context);
                    return;
                }
                await next();
            });
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

    private static async Task NoDestinationAsync(HttpContext context)
    {
        var cluster = context.GetReverseProxyFeature().Cluster.Config.ClusterId;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "No backend for this route",
                Detail = $"The gateway has no available destination in cluster '{cluster}' (ReverseProxy:Clusters:{cluster}:Destinations).",
            },
        });
    }
}
