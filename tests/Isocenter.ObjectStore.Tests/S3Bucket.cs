using Isocenter.Testing;
using Minio;
using Minio.DataModel.Args;

namespace Isocenter.ObjectStore.Tests;

/// <summary>A bucket of its own on the local s3rver for one test class (created by the store at first use), emptied and removed after.</summary>
public sealed class S3Bucket : IAsyncLifetime
{
    public S3Bucket()
    {
        Options = new MinioObjectStoreOptions(LocalServers.S3Endpoint, LocalServers.S3AccessKey, LocalServers.S3SecretKey, LocalServers.UniqueBucketName("objectstore"));
        Store = new MinioObjectStore(Options);
        Client = new MinioClient().WithEndpoint(Options.Endpoint.Host, Options.Endpoint.Port).WithCredentials(Options.AccessKey, Options.SecretKey).WithRegion("us-east-1").Build();
    }

    public MinioObjectStoreOptions Options { get; }

    public MinioObjectStore Store { get; }

    /// <summary>A plain SDK client on the same server, to look behind the store.</summary>
    public IMinioClient Client { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (await Client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Options.Bucket)))
        {
            await foreach (var item in Store.ListAsync("", CancellationToken.None))
            {
                await Client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Options.Bucket).WithObject(item.Key));
            }
            await Client.RemoveBucketAsync(new RemoveBucketArgs().WithBucket(Options.Bucket));
        }
        Store.Dispose();
        Client.Dispose();
    }
}
