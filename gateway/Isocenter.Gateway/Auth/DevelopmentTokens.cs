using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Isocenter.Gateway.Auth;

/// <summary>Tokens signed with the development key (<c>Isocenter.Gateway token --user dev --minutes 480</c>).</summary>
internal static class DevelopmentTokens
{
    /// <summary>A token for <c>--user</c> (default dev) valid <c>--minutes</c> (default 480) from now, per the configuration.</summary>
    public static string Mint(IConfiguration configuration, TimeProvider time) =>
        Mint(GatewayAuthOptions.From(configuration), configuration["user"] ?? "dev", time.GetUtcNow(),
            TimeSpan.FromMinutes(configuration.GetValue("minutes", 480)));

    /// <summary>A token for <paramref name="user"/> (its <c>sub</c>) valid from <paramref name="from"/> for <paramref name="lifetime"/>.</summary>
    public static string Mint(GatewayAuthOptions options, string user, DateTimeOffset from, TimeSpan lifetime)
    {
        var key = options.DevelopmentKey()
            ?? throw new InvalidOperationException($"{GatewayAuthOptions.Section}:SigningKey or SigningKeyFile is not set: there is no development key to sign with.");
        var algorithm = key is SymmetricSecurityKey ? SecurityAlgorithms.HmacSha256 : SecurityAlgorithms.RsaSha256;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity([new Claim(GatewayUser.SubjectClaim, user), new Claim("name", user)]),
            IssuedAt = from.UtcDateTime,
            NotBefore = from.UtcDateTime,
            Expires = (from + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }
}
