using Isocenter.Gateway.Audit;

namespace Isocenter.Gateway.Sessions;

/// <summary>
/// <c>GET /review/{token}</c>, where a share link lands (open, audited): the review service resolves the token; a valid link
/// sets the cookie <see cref="ShareLinkAuthenticationHandler.CookieName"/> (expiring with the link) and goes on to
/// <c>/review</c> (303), the reviewer's worklist; any other gets a page saying why and what to do (410 expired or revoked, 404 otherwise).
/// </summary>
internal static class ShareLinkLanding
{
    /// <summary>The landing's route.</summary>
    public const string Route = "/review/{token}";

    /// <summary>Where a valid link goes on to: the viewer's reviewer page.</summary>
    public const string ReviewPage = "/review";

    /// <summary>Maps the landing.</summary>
    public static void MapShareLinkLanding(this WebApplication app) =>
        app.MapGet(Route, LandAsync).AllowAnonymous().WithMetadata(AuditedOpenEndpoint.Instance);

    private static async Task<IResult> LandAsync(string token, HttpContext context, ReviewServiceClient review)
    {
        if (await review.ResolveAsync(token, context.RequestAborted) is not { } resolution)
        {
            return SessionPages.LinkRefused(StatusCodes.Status503ServiceUnavailable,
                "The review service cannot be reached just now, so this link cannot be checked: try again in a few minutes. If it keeps failing,");
        }
        if (resolution.Link is not { } link)
        {
            var reason = resolution.Refusal ?? "This link is not valid.";
            var gone = reason.Contains("expired", StringComparison.OrdinalIgnoreCase)
                || reason.Contains("revoked", StringComparison.OrdinalIgnoreCase);
            return SessionPages.LinkRefused(gone ? StatusCodes.Status410Gone : StatusCodes.Status404NotFound, reason);
        }
        context.User = ShareLinkAuthenticationHandler.Principal(link); // the audit's user
        context.Response.Cookies.Append(ShareLinkAuthenticationHandler.CookieName, token,
            Login.BrowserLogin.CookieOptions(context.Request, link.ExpiresAt, SameSiteMode.Lax));
        context.Response.Headers.Location = ReviewPage;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
