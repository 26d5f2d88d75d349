using System.Security.Claims;

namespace Isocenter.Gateway.Auth;

/// <summary>Who a request is for the audit log and the rate limits: the token's subject or the API key's name.</summary>
internal static class GatewayUser
{
    /// <summary>The claim that names the user (JWT <c>sub</c>; an API key's name).</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The user's subject, or null when the request is not authenticated.</summary>
    public static string? Subject(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirst(SubjectClaim)?.Value ?? "(no sub)" : null;

    /// <summary>How the user authenticated (Bearer, ApiKey), or null.</summary>
    public static string? Scheme(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.Identity.AuthenticationType : null;
}
