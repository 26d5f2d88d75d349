using System.Security.Claims;
using System.Text.Encodings.Web;
using Isocenter.Gateway.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Isocenter.Gateway.Sessions;

/// <summary>
/// A launch token's session: the session token in the cookie <see cref="CookieName"/> (set when a <c>/viewer?…&amp;launch=</c>
/// URL is opened, <see cref="LaunchLinks"/>); the user is the launch token's, scoped to its one study.
/// </summary>
internal sealed class LaunchSessionAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, LaunchTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "Launch";

    /// <summary>The cookie that carries the session token.</summary>
    public const string CookieName = "isocenter_launch";

    /// <inheritdoc/>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token))
        {
            return AuthenticateResult.NoResult();
        }
        var launch = await tokens.ValidateAsync(token, LaunchTokens.SessionPurpose);
        return launch.Failure is { } failure
            ? AuthenticateResult.Fail(failure)
            : AuthenticateResult.Success(new AuthenticationTicket(Principal(launch.User!, launch.Study!), SchemeName));
    }

    /// <summary>The session's user: <paramref name="user"/>, scoped to <paramref name="study"/>.</summary>
    public static ClaimsPrincipal Principal(string user, string study) =>
        new(new ClaimsIdentity([new Claim(GatewayUser.SubjectClaim, user), .. new SessionScope(new HashSet<string>([study]), null).Claims()],
            SchemeName, GatewayUser.SubjectClaim, null));
}
