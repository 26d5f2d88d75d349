using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Isocenter.Gateway.Auth;

/// <summary>
/// Static API keys of service accounts, presented as <c>X-Api-Key: KEY</c> or <c>Authorization: ApiKey KEY</c> and compared by
/// SHA-256 in constant time with the configured hashes; the user is the key's name.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The header that carries a key.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The key the request presents, or null.</summary>
    public static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue(Header, out var key))
        {
            return key.ToString();
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase) ? authorization[(SchemeName.Length + 1)..].Trim() : null;
    }

    /// <summary>A new random key and the SHA-256 (hex) to configure for it (<c>Isocenter.Gateway apikey</c>).</summary>
    public static (string Key, string Sha256) Create()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (key, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
    }

    /// <inheritdoc/>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Presented(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? name = null;
        foreach (var key in Options.Keys)
        {
            // Every key is compared, in constant time: neither the time nor the order tells which bytes matched.
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256))
            {
                name = key.Name;
            }
        }
        if (name is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
        }
        var identity = new ClaimsIdentity([new Claim(GatewayUser.SubjectClaim, name)], SchemeName, GatewayUser.SubjectClaim, null);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>The configured keys (<c>Gateway:ApiKeys</c>: a list of <c>Name</c> and <c>Sha256</c>, the key's SHA-256 in hex).</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:ApiKeys";

    /// <summary>The service accounts' names and their keys' hashes.</summary>
    public IReadOnlyList<(string Name, byte[] Sha256)> Keys { get; set; } = [];

    /// <summary>The keys of <c>Gateway:ApiKeys</c>.</summary>
    public static IReadOnlyList<(string Name, byte[] Sha256)> Read(IConfiguration configuration) =>
        [.. configuration.GetSection(Section).GetChildren().Select(key => (
            key["Name"] ?? throw new InvalidOperationException($"{key.Path}:Name is not set"),
            Convert.FromHexString(key["Sha256"] ?? throw new InvalidOperationException($"{key.Path}:Sha256 is not set"))))];
}
