using System.Security.Claims;
using Isocenter.Gateway.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Isocenter.Gateway.Sessions;

/// <summary>A launch or session token checked: its user and study, or why it was refused.</summary>
internal sealed record LaunchValidation(string? User, string? Study, string? Failure);

/// <summary>
/// Launch tokens (<c>purpose: launch</c>, minted by <c>POST /api/launch-tokens</c>) and the session tokens that replace them
/// when opened (<c>purpose: launch-session</c>, <see cref="SessionLifetime"/>): JWTs signed with the gateway's key (<c>Gateway:Auth</c>)
/// for the audience <c>{Audience}/launch</c>, which the bearer scheme refuses, so neither opens more than its study.
/// </summary>
internal sealed class LaunchTokens(GatewayAuthOptions auth, TimeProvider time)
{
    /// <summary>The purpose of a token for a launch URL.</summary>
    public const string LaunchPurpose = "launch";

    /// <summary>The purpose of the session token kept in the cookie once a launch URL is opened.</summary>
    public const string SessionPurpose = "launch-session";

    /// <summary>How long a launch session lasts (a working day's reading).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    private const string PurposeClaim = "purpose";
    private const string StudyClaim = "study";

    private readonly SecurityKey? _key = auth.DevelopmentKey();

    private string Audience => auth.Audience + "/launch";

    /// <summary>Whether the gateway has a key to sign with (<c>Gateway:Auth:SigningKey</c> or a private <c>SigningKeyFile</c>).</summary>
    public bool CanMint => _key is SymmetricSecurityKey || _key is RsaSecurityKey { PrivateKeyStatus: not PrivateKeyStatus.DoesNotExist };

    /// <summary>A token with <paramref name="purpose"/> for <paramref name="user"/> and <paramref name="study"/>, valid <paramref name="lifetime"/> from now.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Mint(string purpose, string user, string study, TimeSpan lifetime)
    {
        var key = _key ?? throw new InvalidOperationException($"{GatewayAuthOptions.Section}:SigningKey or SigningKeyFile is not set: launch tokens cannot be signed.");
        var now = time.GetUtcNow();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim(GatewayUser.SubjectClaim, user), new Claim(PurposeClaim, purpose), new Claim(StudyClaim, study)]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, key is SymmetricSecurityKey ? SecurityAlgorithms.HmacSha256 : SecurityAlgorithms.RsaSha256),
        });
        return (token, now + lifetime);
    }

    /// <summary>Checks <paramref name="token"/>: signature, issuer, audience, lifetime (no clock skew) and <paramref name="purpose"/>.</summary>
    public async Task<LaunchValidation> ValidateAsync(string token, string purpose)
    {
        if (_key is null)
        {
            return new(null, null, "this gateway has no key for launch tokens");
        }
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) => time.GetUtcNow() is var now && (notBefore is null || now >= notBefore) && now < expires,
        });
        if (!result.IsValid)
        {
            return new(null, null, result.Exception is SecurityTokenInvalidLifetimeException ? "the token has expired" : "the token is not valid");
        }
        return result.Claims.TryGetValue(PurposeClaim, out var actual) && purpose.Equals(actual)
            && result.Claims.TryGetValue(GatewayUser.SubjectClaim, out var user) && result.Claims.TryGetValue(StudyClaim, out var study)
            ? new(user.ToString(), study.ToString(), null)
            : new(null, null, "the token is not a " + purpose + " token");
    }
}
