using Isocenter.Gateway.Login;
using Isocenter.Gateway.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Isocenter.Gateway.Auth;

/// <summary>
/// Authentication (JWT bearer from the Authorization header or the browser's session cookie, API keys, share-link and launch
/// sessions by their cookies: <see cref="SchemeOf"/>) and authorization closed by default: the fallback policy asks for an authenticated user wherever nothing says otherwise.
/// </summary>
internal static class GatewayAuthentication
{
    /// <summary>The default scheme, which picks bearer or API key per request.</summary>
    public const string Scheme = "Isocenter";

    /// <summary>Registers the schemes and the fallback policy from <c>Gateway:Auth</c> and <c>Gateway:ApiKeys</c>.</summary>
    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, Scheme, options => options.ForwardDefaultSelector = context => SchemeOf(context.Request))
            .AddJwtBearer(options =>
            {
                var auth = GatewayAuthOptions.From(configuration);
                options.MapInboundClaims = false; // keep `sub` as `sub`
                options.Events = BrowserLogin.BearerEvents(); // the token from the login form or the session cookie
                if (!string.IsNullOrWhiteSpace(auth.Authority))
                {
                    options.Authority = auth.Authority;
                    options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
                }
                var developmentKey = auth.DevelopmentKey();
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    AuthenticationType = JwtBearerDefaults.AuthenticationScheme,
                    NameClaimType = GatewayUser.SubjectClaim,
                    ValidAudience = auth.Audience,
                    // The Authority's issuer comes from its discovery document and is added to these.
                    ValidIssuer = developmentKey is null ? null : auth.Issuer,
                    IssuerSigningKey = developmentKey,
                };
            })
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName,
                options => options.Keys = ApiKeyAuthenticationOptions.Read(configuration))
            .AddScheme<AuthenticationSchemeOptions, LaunchSessionAuthenticationHandler>(LaunchSessionAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, ShareLinkAuthenticationHandler>(ShareLinkAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddSingleton(provider => GatewayAdmins.From(provider.GetRequiredService<IConfiguration>()));
        return services;
    }

    /// <summary>
    /// The scheme that judges <paramref name="request"/>: an API key's; else the bearer's for an Authorization header or the login
    /// cookie (staff stay staff whatever other cookie they have); else a launch session's, a share link's, by their cookies; else
    /// the bearer's (which challenges: the login page or 401).
    /// </summary>
    private static string SchemeOf(HttpRequest request) =>
        ApiKeyAuthenticationHandler.Presented(request) is not null ? ApiKeyAuthenticationHandler.SchemeName
        : !string.IsNullOrEmpty(request.Headers.Authorization) || request.Cookies.ContainsKey(BrowserLogin.CookieName) ? JwtBearerDefaults.AuthenticationScheme
        : request.Cookies.ContainsKey(LaunchSessionAuthenticationHandler.CookieName) ? LaunchSessionAuthenticationHandler.SchemeName
        : request.Cookies.ContainsKey(ShareLinkAuthenticationHandler.CookieName) ? ShareLinkAuthenticationHandler.SchemeName
        : JwtBearerDefaults.AuthenticationScheme;
}
