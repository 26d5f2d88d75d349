using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Isocenter.Gateway.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Isocenter.Gateway.Tests;

/// <summary>
/// A hospital IdP: the gateway configured with only an OIDC authority (a real Kestrel server publishing a discovery document
/// and a JWKS with an RSA key) accepts that IdP's tokens for its audience, and no others; and an RSA development key file.
/// </summary>
public sealed class OidcAuthorityTests : IAsyncLifetime
{
    private readonly RSA _idpKey = RSA.Create(2048);
    private readonly string _keyFolder = Directory.CreateTempSubdirectory("isocenter-gateway-keys").FullName;
    private WebApplication _idp = null!;
    private RecordingBackend _backend = null!;

    private string Authority => _idp.Urls.First();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _idp = builder.Build();
        _idp.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = Authority,
            ["jwks_uri"] = Authority + "/jwks",
        }));
        var parameters = _idpKey.ExportParameters(includePrivateParameters: false);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = "idp-1",
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        _idp.MapGet("/jwks", () => Results.Json(new { keys = new[] { jwk } }));
        await _idp.StartAsync();
        _backend = await RecordingBackend.StartAsync("dicomweb");
        await File.WriteAllTextAsync(Path.Combine(_keyFolder, "idp.pem"), _idpKey.ExportRSAPrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(_keyFolder, "idp.pub.pem"), _idpKey.ExportSubjectPublicKeyInfoPem());
        using var other = RSA.Create(2048);
        await File.WriteAllTextAsync(Path.Combine(_keyFolder, "other.pem"), other.ExportRSAPrivateKeyPem());
    }

    [Theory]
    [InlineData("idp.pem", "isocenter", HttpStatusCode.OK)]
    [InlineData("idp.pem", "another-service", HttpStatusCode.Unauthorized)]
    [InlineData("other.pem", "isocenter", HttpStatusCode.Unauthorized)]
    public async Task Authority_TokenSignedByKeyForAudience_AcceptedOnlyFromTheIdPForIsocenter(string key, string audience, HttpStatusCode expected)
    {
        var status = await GetWithTokenAsync(
            new() { ["Gateway:Auth:Authority"] = Authority, ["Gateway:Auth:RequireHttpsMetadata"] = "false" },
            new GatewayAuthOptions { SigningKeyFile = Path.Combine(_keyFolder, key), Issuer = Authority, Audience = audience });

        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("idp.pem", HttpStatusCode.OK)]
    [InlineData("other.pem", HttpStatusCode.Unauthorized)]
    public async Task DevelopmentKey_RsaPublicKeyFile_ValidatesTokensOfItsPrivateKey(string key, HttpStatusCode expected)
    {
        var status = await GetWithTokenAsync(
            new() { ["Gateway:Auth:SigningKeyFile"] = Path.Combine(_keyFolder, "idp.pub.pem") },
            new GatewayAuthOptions { SigningKeyFile = Path.Combine(_keyFolder, key) });

        Assert.Equal(expected, status);
    }

    private async Task<HttpStatusCode> GetWithTokenAsync(Dictionary<string, string?> settings, GatewayAuthOptions tokenOptions)
    {
        settings["ReverseProxy:Clusters:dicomweb:Destinations:dicomweb:Address"] = _backend.Address;
        settings["ConnectionStrings:Index"] = ""; // the audit in the log only: never the development database from the environment
        await using var gateway = GatewayHost.Create(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(settings));
        await gateway.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(gateway.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dicomweb/studies");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentTokens.Mint(tokenOptions, "radiologist", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        using var response = await client.SendAsync(request);
        await gateway.StopAsync();
        return response.StatusCode;
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _idp.StopAsync();
        await _idp.DisposeAsync();
        _idpKey.Dispose();
        Directory.Delete(_keyFolder, recursive: true);
    }
}
