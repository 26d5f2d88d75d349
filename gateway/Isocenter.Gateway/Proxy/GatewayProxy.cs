using System.Net;
using Isocenter.Gateway.Auth;
using Isocenter.Gateway.Login;
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
    /// cookie are the gateway's secrets and stop here; bearer tokens in the Authorization header go on (a backend may check them itself); the authenticated user goes on in
    /// <see cref="ServiceDefaultsExtensions.UserHeader"/> (their subject, or the API key's name).
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
                if (GatewayUser.Subject(transform.HttpContext.User) is { } user)
                {
                    headers.TryAddWithoutValidation(ServiceDefaultsExtensions.UserHeader, user);
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
            }));
        return services;
    }

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
