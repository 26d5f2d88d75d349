using Isocenter.Gateway.Login;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Isocenter.Gateway.Auth;

/// <summary>
/// Authentication (JWT bearer from the Authorization header or the browser's session cookie, API keys; a request with an API
/// key header is the API key's, any other the bearer's) and authorization closed by default: the fallback policy asks for an authenticated user wherever nothing says otherwise.
/// </summary>
internal static class GatewayAuthentication
{
    /// <summary>The default scheme, which picks bearer or API key per request.</summary>
    public const string Scheme = "Isocenter";

    /// <summary>Registers the schemes and the fallback policy from <c>Gateway:Auth</c> and <c>Gateway:ApiKeys</c>.</summary>
    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, Scheme, options => options.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.Presented(context.Request) is null ? JwtBearerDefaults.AuthenticationScheme : ApiKeyAuthenticationHandler.SchemeName)
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
                options => options.Keys = ApiKeyAuthenticationOptions.Read(configuration));
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }
}
