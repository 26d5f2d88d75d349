using Isocenter.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Minio.DataModel.Args;

namespace Isocenter.ObjectStore.Tests;

/// <summary>AddObjectStore: the store the <c>ObjectStore</c> section names, its errors, and its readiness check against a folder and the local s3rver.</summary>
public sealed class ObjectStoreServiceCollectionExtensionsTests(S3Bucket bucket) : IClassFixture<S3Bucket>, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-objects-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) => new ServiceCollection()
        .AddLogging()
        .AddObjectStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
        .BuildServiceProvider();

    private static async Task<HealthReportEntry> CheckAsync(ServiceProvider services)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken.None);
        var entry = report.Entries[ObjectStoreServiceCollectionExtensions.HealthCheckName];
        Assert.Equal([ObjectStoreServiceCollectionExtensions.ReadyTag], entry.Tags);
        return entry;
    }

    private Dictionary<string, string?> S3Settings(string? endpoint = null) => new()
    {
        ["ObjectStore:Kind"] = "S3",
        ["ObjectStore:Endpoint"] = endpoint ?? bucket.Options.Endpoint.ToString(),
        ["ObjectStore:AccessKey"] = bucket.Options.AccessKey,
        ["ObjectStore:SecretKey"] = bucket.Options.SecretKey,
        ["ObjectStore:Bucket"] = bucket.Options.Bucket,
    };

    [Fact]
    public async Task AddObjectStore_NoKind_IsTheFileSystemStoreReadyWhileItsFolderExists()
    {
        await using var services = Build(new() { ["ObjectStore:Root"] = _folder });

        var store = Assert.IsType<FileSystemObjectStore>(services.GetRequiredService<IObjectStore>());
        Assert.Same(store, services.GetRequiredService<IObjectStore>());
        Assert.Equal(_folder, store.Root);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(services)).Status);
        Directory.Delete(_folder);
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(services)).Status);
    }

    [Fact]
    public async Task AddObjectStore_S3_IsTheMinioStoreReadyOnceItsBucketExists()
    {
        await using var services = Build(S3Settings());

        var store = Assert.IsType<MinioObjectStore>(services.GetRequiredService<IObjectStore>());
        Assert.Equal(bucket.Options.Bucket, store.Bucket);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(services)).Status);
        Assert.True(await bucket.Client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket.Options.Bucket))); // created by the check
    }

    [Fact]
    public async Task AddObjectStore_S3Unreachable_IsNotReady()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there any more: connections are refused
        await using var services = Build(S3Settings($"http://127.0.0.1:{closedPort}"));

        var entry = await CheckAsync(services);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains(bucket.Options.Bucket, entry.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Root", "ObjectStore:Root")]
    [InlineData("FileSystem", "Root", "ObjectStore:Root")]
    [InlineData("S3", "Endpoint", "ObjectStore:Endpoint")]
    [InlineData("S3", "AccessKey", "ObjectStore:AccessKey")]
    [InlineData("S3", "SecretKey", "ObjectStore:SecretKey")]
    [InlineData("S3", "Bucket", "ObjectStore:Bucket")]
    public void AddObjectStore_MissingSetting_ThrowsNamingIt(string? kind, string missing, string named)
    {
        var settings = S3Settings();
        settings["ObjectStore:Kind"] = kind;
        settings["ObjectStore:Root"] = _folder;
        settings.Remove("ObjectStore:" + missing);

        var e = Assert.Throws<InvalidOperationException>(() => Build(settings));

        Assert.StartsWith(named + " ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Kind", "Azure", "ObjectStore:Kind")]
    [InlineData("Endpoint", "127.0.0.1:59000", "ObjectStore:Endpoint")]
    [InlineData("Endpoint", "ftp://127.0.0.1:59000", "ObjectStore:Endpoint")]
    [InlineData("Endpoint", "http://127.0.0.1:59000/bucket", "ObjectStore:Endpoint")]
    public void AddObjectStore_InvalidSetting_ThrowsNamingIt(string setting, string value, string named)
    {
        var settings = S3Settings();
        settings["ObjectStore:" + setting] = value;

        Assert.StartsWith(named + " ", Assert.Throws<InvalidOperationException>(() => Build(settings)).Message, StringComparison.Ordinal);
    }
}
