using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Isocenter.Gateway.Auth;
using Isocenter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Isocenter.Gateway.Tests;

/// <summary>
/// The gateway in-process on a free loopback port, in front of five recording backends (DICOMweb, API, PACS, two render
/// destinations) and a stand-in review service, with a development key, one API key, one administrator, a web root, a small
/// per-user limit (20 requests per hour) and a database of its own for the audit trail.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    /// <summary>The configured API key (service account <see cref="ApiKeyName"/>).</summary>
    public const string ApiKey = "test-service-account-key";

    public const string ApiKeyName = "pacs-bridge";

    public const int PermitLimit = 20;

    /// <summary>The administrator configured in <c>Gateway:Admins</c>.</summary>
    public const string AdminName = "auditor";

    private readonly string _webRoot = Directory.CreateTempSubdirectory("isocenter-gateway-web").FullName;
    private WebApplication _gateway = null!;

    public RecordingBackend DicomWeb { get; private set; } = null!;

    public RecordingBackend Api { get; private set; } = null!;

    public RecordingBackend Pacs { get; private set; } = null!;

    public RecordingBackend[] Render { get; private set; } = [];

    public FakeReviewService Review { get; private set; } = null!;

    /// <summary>The audit trail's database (every gateway the fixture starts writes there, never to the development one).</summary>
    public string IndexConnectionString { get; private set; } = null!;

    public IEnumerable<RecordingBackend> Backends => [DicomWeb, Api, Pacs, .. Render];

    public LogRecorder Log { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    internal GatewayAuthOptions Auth { get; } = new() { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)) };

    public async Task InitializeAsync()
    {
        DicomWeb = await RecordingBackend.StartAsync("dicomweb");
        Api = await RecordingBackend.StartAsync("api");
        Pacs = await RecordingBackend.StartAsync("pacs");
        Render = [await RecordingBackend.StartAsync("render-1"), await RecordingBackend.StartAsync("render-2")];
        Review = await FakeReviewService.StartAsync();
        IndexConnectionString = await LocalServers.CreateDatabaseAsync("gateway_tests");
        await File.WriteAllTextAsync(Path.Combine(_webRoot, "index.html"), "<!doctype html><title>viewer</title>");
        await File.WriteAllTextAsync(Path.Combine(_webRoot, "app.js"), "console.log('viewer');");
        _gateway = await StartGatewayAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:dicomweb:Destinations:dicomweb:Address"] = DicomWeb.Address,
            ["ReverseProxy:Clusters:api:Destinations:api:Address"] = Api.Address,
            ["ReverseProxy:Clusters:pacs:Destinations:pacs:Address"] = Pacs.Address,
            ["ReverseProxy:Clusters:render:Destinations:render-1:Address"] = Render[0].Address,
            ["ReverseProxy:Clusters:render:Destinations:render-2:Address"] = Render[1].Address,
            ["ReverseProxy:Clusters:review:Destinations:review:Address"] = Review.Address,
            ["ReverseProxy:Routes:share-links:ClusterId"] = "review",
            ["ReverseProxy:Routes:share-links:Order"] = "-1",
            ["ReverseProxy:Routes:share-links:Match:Path"] = "/api/share-links/{**rest}",
            ["ReverseProxy:Routes:review:ClusterId"] = "review",
            ["ReverseProxy:Routes:review:Order"] = "-1",
            ["ReverseProxy:Routes:review:Match:Path"] = "/api/review/{**rest}",
            ["Gateway:ReviewService"] = Review.Address,
            ["Gateway:Admins:0"] = AdminName,
            ["Gateway:WebRoot"] = _webRoot,
            ["Gateway:ApiKeys:0:Name"] = ApiKeyName,
            ["Gateway:ApiKeys:0:Sha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey))),
            ["Gateway:RateLimit:PermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:RateLimit:Window"] = "01:00:00",
        }, Log);
        Client = new HttpClient { BaseAddress = new Uri(_gateway.Urls.First()) };
    }

    /// <summary>Starts a gateway with the fixture's key and <paramref name="settings"/> on a free port.</summary>
    public async Task<WebApplication> StartGatewayAsync(IReadOnlyDictionary<string, string?> settings, LogRecorder? log = null)
    {
        var gateway = GatewayHost.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Index", IndexConnectionString)]);
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Configuration.AddInMemoryCollection([new(GatewayAuthOptions.Section + ":SigningKey", Auth.SigningKey)]);
            if (log is not null)
            {
                builder.Logging.AddProvider(log);
            }
        });
        await gateway.StartAsync();
        return gateway;
    }

    /// <summary>A valid token for <paramref name="user"/>, an hour long.</summary>
    public string Token(string user) => DevelopmentTokens.Mint(Auth, user, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    /// <summary>A GET of <paramref name="path"/> with <paramref name="authorization"/> (none when null).</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, AuthenticationHeaderValue? authorization, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return await Client.SendAsync(request);
    }

    /// <summary>A GET of <paramref name="path"/> as <paramref name="user"/> with a valid token.</summary>
    public Task<HttpResponseMessage> GetAsUserAsync(string path, string user, params (string Name, string Value)[] headers) =>
        GetAsync(path, new AuthenticationHeaderValue("Bearer", Token(user)), headers);

    /// <summary>What every backend received with <paramref name="marker"/> in its path or query.</summary>
    public IReadOnlyList<(RecordingBackend Backend, ReceivedRequest Request)> ReceivedWith(string marker) =>
        [.. Backends.SelectMany(backend => backend.ReceivedWith(marker).Select(request => (backend, request)))];

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _gateway.StopAsync();
        await _gateway.DisposeAsync();
        foreach (var backend in Backends)
        {
            await backend.DisposeAsync();
        }
        await Review.DisposeAsync();
        Directory.Delete(_webRoot, recursive: true);
        Log.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
