using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Isocenter.Gateway.Auth;

/// <summary>
/// The administrators: staff users (bearer token or API key) whose subject is listed in <c>Gateway:Admins</c> or whose token's
/// <c>roles</c> claim holds <see cref="Role"/>. The gateway tells the services in <see cref="RolesHeader"/>.
/// </summary>
internal sealed class GatewayAdmins(IReadOnlySet<string> subjects)
{
    /// <summary>The configuration section: an array of subjects.</summary>
    public const string Section = "Gateway:Admins";

    /// <summary>The role, in a token's <c>roles</c> claim, that makes its user an administrator.</summary>
    public const string Role = "isocenter-admin";

    /// <summary>The header that tells the services the user's roles (<c>admin</c>); a client's own is removed.</summary>
    public const string RolesHeader = "X-Isocenter-Roles";

    /// <summary>The value of <see cref="RolesHeader"/> for an administrator.</summary>
    public const string AdminRole = "admin";

    /// <summary>The administrators configured in <see cref="Section"/>.</summary>
    public static GatewayAdmins From(IConfiguration configuration) =>
        new((configuration.GetSection(Section).Get<string[]>() ?? []).ToHashSet(StringComparer.Ordinal));

    /// <summary>Whether <paramref name="user"/> is an administrator (never a scoped session: a share link or a launch).</summary>
    public bool IsAdmin(ClaimsPrincipal user) =>
        GatewayUser.Scheme(user) is JwtBearerDefaults.AuthenticationScheme or ApiKeyAuthenticationHandler.SchemeName
        && (subjects.Contains(GatewayUser.Subject(user)!) || user.FindAll("roles").Any(role => role.Value == Role));
}
