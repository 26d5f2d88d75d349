using System.Text;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace Isocenter.ObjectStore.Tests;

/// <summary>The contract against the local s3rver through the Minio SDK, and what is S3's own: parts, pages, the SDK's ranged GET.</summary>
public sealed class MinioObjectStoreTests(S3Bucket bucket) : ObjectStoreContractTests, IClassFixture<S3Bucket>
{
    private const int MiB = 1024 * 1024;

    protected override IObjectStore Store => bucket.Store;

    [Theory]
    [InlineData(MinioObjectStore.SinglePutLimit - 1)] // one PUT
    [InlineData(MinioObjectStore.SinglePutLimit)] // the SDK's multipart upload, of one part
    [InlineData(MinioObjectStore.SinglePutLimit + 1)]
    public async Task PutAsync_UnknownLengthAroundTheSinglePutLimit_ReadsBackTheSameBytes(int length)
    {
        var content = RandomBytes(length, seed: length);

        await Store.PutAsync(Key("limit/object"), new ForwardOnlyStream(content), Token);

        Assert.Equal(content, await ReadAsync(Key("limit/object")));
    }

    [Fact]
    public async Task PutAsync_UnknownLengthOfTwoParts_StoredWholeAndReadByRanges()
    {
        var content = RandomBytes(17 * MiB + 123, seed: 7); // the SDK's parts are 16 MiB
        var key = Key("large/object.dcm");

        await Store.PutAsync(key, new ForwardOnlyStream(content), Token);

        Assert.Equal(content, await ReadAsync(key));
        Assert.Equal(content.Length, (await Store.StatAsync(key, Token))!.Size);
        foreach (var (offset, length) in new (int, int)[] { (16 * MiB - 10, 20), (0, 5 * MiB + 1), (15 * MiB - 1, 2 * MiB + 124) })
        {
            await using var range = await Store.OpenReadAsync(key, offset, length, Token);
            Assert.Equal(content[offset..(offset + length)], await ReadAllAsync(range));
        }
    }

    [Fact]
    public async Task ListAsync_MoreObjectsThanAPage_ListsThemAllInOrder()
    {
        var keys = Enumerable.Range(0, 1010).Select(i => Key($"many/{i}")).ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (key, token) => await Store.PutAsync(key, new MemoryStream(Encoding.ASCII.GetBytes(key)), token));

        var listed = await KeysAsync(Key("many/"));

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed); // s3rver answers 1000 keys a page
    }

    [Fact]
    public async Task StatAsync_BucketMissing_CreatesItAtFirstUse()
    {
        var options = bucket.Options with { Bucket = Isocenter.Testing.LocalServers.UniqueBucketName("objectstore-new") };
        using var store = new MinioObjectStore(options);
        try
        {
            Assert.False(await bucket.Client.BucketExistsAsync(new BucketExistsArgs().WithBucket(options.Bucket), Token));

            Assert.Null(await store.StatAsync("a/b", Token));

            Assert.True(await bucket.Client.BucketExistsAsync(new BucketExistsArgs().WithBucket(options.Bucket), Token));
        }
        finally
        {
            await bucket.Client.RemoveBucketAsync(new RemoveBucketArgs().WithBucket(options.Bucket), Token);
        }
    }

    [Fact]
    public void Options_ToString_LeavesTheSecretKeyOut() =>
        Assert.DoesNotContain("top-secret", (bucket.Options with { SecretKey = "top-secret" }).ToString(), StringComparison.Ordinal);

    [Fact]
    public async Task SdkGetObjectWithOffsetAndLength_Minio700_ThrowsPartialContentException()
    {
        // The regression OpenReadAsync(key, offset, length) works around with a presigned GET and a Range header. When an
        // upgrade of the Minio package makes this test fail, the SDK's ranged GET works again and may replace the workaround.
        await Store.PutAsync(Key("r/sdk"), new MemoryStream(RandomBytes(10_000, seed: 5)), Token);
        var args = new GetObjectArgs().WithBucket(bucket.Options.Bucket).WithObject(Key("r/sdk")).WithOffsetAndLength(100, 200)
            .WithCallbackStream((stream, token) => stream.CopyToAsync(Stream.Null, token));

        await Assert.ThrowsAsync<PartialContentException>(() => bucket.Client.GetObjectAsync(args, Token));
    }
}
