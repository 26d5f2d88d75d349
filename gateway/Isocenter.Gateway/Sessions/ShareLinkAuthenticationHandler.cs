using System.Security.Claims;
using System.Text.Encodings.Web;
using Isocenter.Gateway.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Isocenter.Gateway.Sessions;

/// <summary>
/// A share link's session: the token in the cookie <see cref="CookieName"/> (set by <c>GET /review/{token}</c>), resolved by the
/// review service on each request (<see cref="ShareLinks"/>); the user is <c>share:{linkId}</c>, scoped to the link's studies.
/// </summary>
internal sealed class ShareLinkAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ShareLinks links) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ShareLink";

    /// <summary>The cookie that carries the link's token.</summary>
    public const string CookieName = "isocenter_share";

    /// <inheritdoc/>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token))
        {
            return AuthenticateResult.NoResult();
        }
        if (await links.ResolveAsync(token, Context.RequestAborted) is not { } resolution)
        {
            return AuthenticateResult.Fail("the review service could not resolve the share link");
        }
        if (resolution.Link is not { } link)
        {
            return AuthenticateResult.Fail(resolution.Refusal ?? "share link refused");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(Principal(link), SchemeName));
    }

    /// <summary>The session's user: the link's subject, scoped to its studies and reading set.</summary>
    public static ClaimsPrincipal Principal(ShareLink link) =>
        new(new ClaimsIdentity([new Claim(GatewayUser.SubjectClaim, link.Subject),
            .. new SessionScope(link.StudyInstanceUids.ToHashSet(StringComparer.Ordinal), link.ReadingSetId).Claims()], SchemeName, GatewayUser.SubjectClaim, null));

    /// <summary>A page navigation with a link that no longer opens gets a page saying so; anything else the usual 401.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        GatewayRoutes.IsPageNavigation(Request)
            ? SessionPages.LinkRefused(StatusCodes.Status401Unauthorized, "This review link no longer opens: it has expired or was revoked.")
                .ExecuteAsync(Context)
            : base.HandleChallengeAsync(properties);

}
