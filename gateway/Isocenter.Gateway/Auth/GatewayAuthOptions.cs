using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Isocenter.Gateway.Auth;

/// <summary>
/// <c>Gateway:Auth</c>: the tokens the gateway accepts. An OIDC <see cref="Authority"/> (a hospital IdP, keys by discovery)
/// and/or a development key (<see cref="SigningKey"/> or <see cref="SigningKeyFile"/>) with which <c>token</c> mints tokens.
/// </summary>
internal sealed record GatewayAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Auth";

    /// <summary>The OIDC issuer whose discovery document gives the signing keys (e.g. https://idp.example/realms/radiology).</summary>
    public string? Authority { get; init; }

    /// <summary>Whether the discovery document must come over HTTPS (turn off only for a local IdP).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>The audience tokens must carry.</summary>
    public string Audience { get; init; } = "isocenter";

    /// <summary>The issuer of the tokens signed with the development key.</summary>
    public string Issuer { get; init; } = "isocenter-gateway";

    /// <summary>A symmetric key, base64, at least 256 bits (HS256).</summary>
    public string? SigningKey { get; init; }

    /// <summary>A PEM file with an RSA key (RS256): a private key can mint and validate, a public key only validate.</summary>
    public string? SigningKeyFile { get; init; }

    /// <summary>The section's values.</summary>
    public static GatewayAuthOptions From(IConfiguration configuration) => configuration.GetSection(Section).Get<GatewayAuthOptions>() ?? new();

    /// <summary>The development key, or null when none is configured.</summary>
    public SecurityKey? DevelopmentKey()
    {
        if (!string.IsNullOrWhiteSpace(SigningKey))
        {
            var key = Convert.FromBase64String(SigningKey);
            return key.Length >= 32
                ? new SymmetricSecurityKey(key)
                : throw new InvalidOperationException($"{Section}:SigningKey has {key.Length * 8} bits; HS256 needs at least 256 (e.g. `openssl rand -base64 48`).");
        }
        if (!string.IsNullOrWhiteSpace(SigningKeyFile))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(File.ReadAllText(SigningKeyFile));
            return new RsaSecurityKey(rsa);
        }
        return null;
    }

    /// <summary>Refuses to start a gateway that could validate no token: authentication cannot be left off by omission.</summary>
    public void ThrowIfNoTokenValidation()
    {
        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(SigningKey) && string.IsNullOrWhiteSpace(SigningKeyFile))
        {
            throw new InvalidOperationException(
                $"{Section} needs an Authority (OIDC, a hospital IdP) or a development SigningKey/SigningKeyFile; see docs/gateway.md.");
        }
    }
}
