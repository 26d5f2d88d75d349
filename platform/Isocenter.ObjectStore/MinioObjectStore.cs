using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace Isocenter.ObjectStore;

/// <summary>Where <see cref="MinioObjectStore"/> finds its bucket.</summary>
/// <param name="Endpoint">The S3 endpoint, e.g. <c>http://127.0.0.1:59000</c> (<c>https</c> for TLS).</param>
/// <param name="AccessKey">The access key.</param>
/// <param name="SecretKey">The secret key.</param>
/// <param name="Bucket">The bucket holding the objects; created at first use when missing.</param>
/// <param name="Region">The bucket's region; <c>us-east-1</c> when null (MinIO's and s3rver's default).</param>
public sealed record MinioObjectStoreOptions(Uri Endpoint, string AccessKey, string SecretKey, string Bucket, string? Region = null)
{
    /// <summary>The settings without the secret key, for logs.</summary>
    public override string ToString() => $"{Endpoint} bucket {Bucket} region {Region ?? MinioObjectStore.DefaultRegion} as {AccessKey}";
}

/// <summary>
/// <see cref="IObjectStore"/> on one bucket of an S3 server (MinIO, s3rver, AWS) through the Minio SDK. A put streams its
/// content (of unknown length and more than <see cref="SinglePutLimit"/>: in parts of 16 MiB, as the SDK's multipart
/// upload does), so a large object is never whole in memory, and S3 makes it visible only once complete. Reads are
/// presigned GETs sent with our own <see cref="HttpClient"/>, so the caller gets the response stream itself, and a ranged
/// read is a <c>Range</c> request: the SDK's <c>GetObjectArgs.WithOffsetAndLength</c> throws <c>PartialContentException</c>
/// in Minio 7.0.0, and its GET hands the stream only to a callback. Listing is a signed request of our own too
/// (<see cref="S3Listing"/>). The bucket is created, if missing, before the store's first operation.
/// </summary>
public sealed class MinioObjectStore : IObjectStore, IDisposable
{
    /// <summary>The largest content of unknown length sent as one PUT (S3's smallest part of a multipart upload).</summary>
    public const int SinglePutLimit = 5 * 1024 * 1024;

    /// <summary>The region when none is configured: MinIO's and s3rver's.</summary>
    internal const string DefaultRegion = "us-east-1";

    private const int PresignedSeconds = 300;
    private readonly HttpClient _http;
    private readonly IMinioClient _client;
    private readonly string _region;
    private readonly S3Listing _listing;
    private readonly SemaphoreSlim _bucketLock = new(1, 1);
    private volatile bool _bucketReady;

    /// <summary>
    /// A store on <see cref="MinioObjectStoreOptions.Bucket"/> at <see cref="MinioObjectStoreOptions.Endpoint"/>; nothing is
    /// sent until it is used. <paramref name="time"/> dates the signed list requests (the system clock by default).
    /// </summary>
    public MinioObjectStore(MinioObjectStoreOptions options, TimeProvider? time = null)
    {
        Bucket = options.Bucket;
        _region = options.Region ?? DefaultRegion;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        _listing = new S3Listing(_http, options, time ?? TimeProvider.System);
        _client = new MinioClient()
            .WithEndpoint(options.Endpoint.Host, options.Endpoint.Port)
            .WithSSL(options.Endpoint.Scheme == Uri.UriSchemeHttps)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithRegion(_region) // so that no request asks the server for the bucket's location
            .WithHttpClient(_http)
            .Build();
    }

    /// <summary>The bucket holding the objects.</summary>
    public string Bucket { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// Content of unknown length (a stream that cannot seek) is read up to <see cref="SinglePutLimit"/> bytes first: if it
    /// ends there, it goes as one PUT; otherwise those bytes and the rest go as the SDK's multipart upload of a stream of
    /// unknown length (parts of 16 MiB). Left to the SDK, even a small object of unknown length would take three requests.
    /// </remarks>
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        await BucketReadyAsync(cancellationToken).ConfigureAwait(false);
        if (content.CanSeek)
        {
            await PutObjectAsync(key, content, content.Length - content.Position, cancellationToken).ConfigureAwait(false);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(SinglePutLimit);
        try
        {
            var count = await content.ReadAtLeastAsync(buffer.AsMemory(0, SinglePutLimit), SinglePutLimit, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            using var head = new MemoryStream(buffer, 0, count, writable: false);
            if (count < SinglePutLimit)
            {
                await PutObjectAsync(key, head, count, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var whole = new ConcatenatedStream(head, content);
                await PutObjectAsync(key, whole, -1, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task PutObjectAsync(string key, Stream content, long size, CancellationToken cancellationToken) =>
        await _client.PutObjectAsync(new PutObjectArgs().WithBucket(Bucket).WithObject(key).WithStreamData(content).WithObjectSize(size), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => OpenReadAsync(key, 0, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ObjectRange.Validate(offset, length);
        await BucketReadyAsync(cancellationToken).ConfigureAwait(false);
        if (length == 0)
        {
            return await EmptyRangeAsync(key, offset, length, cancellationToken).ConfigureAwait(false); // HTTP cannot ask for no bytes
        }
        var url = await _client.PresignedGetObjectAsync(new PresignedGetObjectArgs().WithBucket(Bucket).WithObject(key).WithExpiry(PresignedSeconds)).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var ranged = offset > 0 || length is not null;
        if (ranged)
        {
            request.Headers.Range = new RangeHeaderValue(offset, offset + length - 1);
        }
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var keep = false;
        try
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    throw new ObjectNotFoundException(key);
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    return await EmptyRangeAsync(key, offset, length, cancellationToken).ConfigureAwait(false); // offset at or past the end
                case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange is { From: { } from, To: { } to, Length: { } size }:
                    if (from != offset || (length is { } count && to - from + 1 != count))
                    {
                        throw ObjectRange.PastTheEnd(key, offset, length, size);
                    }
                    break;
                case HttpStatusCode.OK when !ranged:
                    break;
                default:
                    throw new HttpRequestException($"GET of object '{key}' in bucket '{Bucket}'{(ranged ? $" (Range {request.Headers.Range})" : "")} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            keep = true;
            return stream;
        }
        finally
        {
            if (!keep)
            {
                response.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public async Task<ObjectInfo?> StatAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        await BucketReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stat = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(Bucket).WithObject(key), cancellationToken).ConfigureAwait(false);
            return new ObjectInfo(key, stat.Size);
        }
        catch (Minio.Exceptions.ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ObjectKey.ValidatePrefix(prefix);
        return ListCoreAsync(prefix, cancellationToken);
    }

    private async IAsyncEnumerable<ObjectInfo> ListCoreAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await BucketReadyAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var info in _listing.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return info;
        }
    }

    /// <inheritdoc/>
    /// <remarks>S3 answers a delete of a missing object as it answers any other, so the object is looked up first.</remarks>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (await StatAsync(key, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }
        await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(key), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Creates the bucket unless it exists, asking the server each time (the health check's probe).</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        try
        {
            await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(Bucket).WithLocation(_region), cancellationToken).ConfigureAwait(false);
        }
        catch (MinioException)
        {
            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
            // created meanwhile by another process
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
        _bucketLock.Dispose();
    }

    private async Task BucketReadyAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady)
        {
            return;
        }
        await _bucketLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_bucketReady)
            {
                await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
                _bucketReady = true;
            }
        }
        finally
        {
            _bucketLock.Release();
        }
    }

    // A range of no bytes: at most the end of the object, which must exist.
    private async Task<Stream> EmptyRangeAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        var info = await StatAsync(key, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(key);
        return ObjectRange.Fits(offset, length, info.Size) ? new MemoryStream([], writable: false) : throw ObjectRange.PastTheEnd(key, offset, length, info.Size);
    }
}
