using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Isocenter.ObjectStore;

/// <summary>
/// Lists a bucket with ListObjects (version 1: <c>prefix</c>, <c>marker</c>) requests signed with AWS Signature Version 4,
/// sent with the store's <see cref="HttpClient"/>. The Minio SDK's listing cannot serve here: it reads only elements in
/// the AWS XML namespace (s3rver answers in another, so it finds nothing) and pages by ListObjectsV2 continuation tokens
/// (which s3rver 3.7 cannot make on a current Node: its DES cipher is gone), so it is not used.
/// </summary>
internal sealed class S3Listing(HttpClient http, MinioObjectStoreOptions options, TimeProvider time)
{
    private const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; // SHA-256 of no bytes
    private readonly string _region = options.Region ?? MinioObjectStore.DefaultRegion;

    /// <summary>The objects whose keys start with <paramref name="prefix"/>, page after page, in the order S3 gives (UTF-8 binary, ordinal for keys).</summary>
    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var marker = "";
        while (true)
        {
            var page = await GetPageAsync(prefix, marker, cancellationToken).ConfigureAwait(false);
            var ns = page.Name.Namespace; // AWS's, or s3rver's own
            string? last = null;
            foreach (var contents in page.Elements(ns + "Contents"))
            {
                last = (string?)contents.Element(ns + "Key") ?? throw new InvalidDataException("ListObjects answered an object without a key");
                yield return new ObjectInfo(last, (long?)contents.Element(ns + "Size") ?? 0);
            }
            if ((bool?)page.Element(ns + "IsTruncated") != true || last is null)
            {
                yield break;
            }
            marker = (string?)page.Element(ns + "NextMarker") ?? last; // NextMarker comes only with a delimiter
        }
    }

    private async Task<XElement> GetPageAsync(string prefix, string marker, CancellationToken cancellationToken)
    {
        // Query parameters in sorted order, encoded as Signature Version 4 wants them (and sent so).
        var query = $"marker={Uri.EscapeDataString(marker)}&prefix={Uri.EscapeDataString(prefix)}";
        var path = "/" + options.Bucket;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Endpoint, path + "?" + query));
        Sign(request, path, query, options.AccessKey, options.SecretKey, _region, time.GetUtcNow());
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var document = await XDocument.LoadAsync(body, LoadOptions.None, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || document.Root is not { Name.LocalName: "ListBucketResult" } root)
            {
                throw new HttpRequestException($"ListObjects of bucket '{options.Bucket}' answered {(int)response.StatusCode} {response.ReasonPhrase}: {document.Root?.Value}", null, response.StatusCode);
            }
            return root;
        }
    }

    /// <summary>
    /// Signs a request without a body with AWS Signature Version 4 (Authorization header); <paramref name="path"/> and
    /// <paramref name="query"/> are its canonical URI and query string, as sent.
    /// </summary>
    internal static void Sign(HttpRequestMessage request, string path, string query, string accessKey, string secretKey, string region, DateTimeOffset now)
    {
        var date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var stamp = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var host = request.RequestUri!.Authority;
        request.Headers.Add("x-amz-date", stamp);
        request.Headers.Add("x-amz-content-sha256", EmptyPayloadHash);
        const string SignedHeaders = "host;x-amz-content-sha256;x-amz-date";
        var canonical = $"GET\n{path}\n{query}\nhost:{host}\nx-amz-content-sha256:{EmptyPayloadHash}\nx-amz-date:{stamp}\n\n{SignedHeaders}\n{EmptyPayloadHash}";
        var scope = $"{date}/{region}/s3/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { date, region, "s3", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.Authorization = new AuthenticationHeaderValue("AWS4-HMAC-SHA256", $"Credential={accessKey}/{scope}, SignedHeaders={SignedHeaders}, Signature={signature}");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
