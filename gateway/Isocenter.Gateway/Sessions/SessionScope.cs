using System.Security.Claims;

namespace Isocenter.Gateway.Sessions;

/// <summary>
/// What a scoped session (a share link's, a launch token's) may see: its studies and, for a share link, its reading set.
/// Staff sessions (bearer token, API key, login cookie) have none: the scope policy does not apply to them.
/// </summary>
internal sealed record SessionScope(IReadOnlySet<string> Studies, Guid? ReadingSetId)
{
    /// <summary>The claim naming a study in scope (one per study).</summary>
    public const string StudyClaim = "isocenter:study";

    /// <summary>The claim naming a share link's reading set.</summary>
    public const string ReadingSetClaim = "isocenter:reading_set";

    /// <summary>The claims that carry a scope, to add to a session's identity.</summary>
    public IEnumerable<Claim> Claims() =>
        [.. Studies.Select(study => new Claim(StudyClaim, study)), .. ReadingSetId is { } set ? [new Claim(ReadingSetClaim, set.ToString())] : Array.Empty<Claim>()];

    /// <summary>The scope of <paramref name="user"/>, or null when it is a staff session (no scope: the usual authorization applies).</summary>
    public static SessionScope? Of(ClaimsPrincipal user) =>
        user.Identity?.AuthenticationType is ShareLinkAuthenticationHandler.SchemeName or LaunchSessionAuthenticationHandler.SchemeName
            ? new SessionScope(user.FindAll(StudyClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
                user.FindFirst(ReadingSetClaim) is { } set ? Guid.Parse(set.Value) : null)
            : null;
}
