namespace Isocenter.Review;

/// <summary>Settings of the review service (section <c>Review</c>).</summary>
public sealed class ReviewOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Review";

    /// <summary>The fewest bytes of <see cref="ShareLinkKey"/>.</summary>
    public const int MinKeyLength = 32;

    /// <summary>The key share-link tokens are signed with (HMAC-SHA256), base64, at least 32 bytes; required.</summary>
    public string ShareLinkKey { get; set; } = "";

    /// <summary>The most studies of one reading set.</summary>
    public int MaxStudies { get; set; } = 1000;

    /// <summary>How long the storage service has to index the SR export (IndexInstances).</summary>
    public TimeSpan IndexTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <see cref="ShareLinkKey"/>'s bytes; throws, with what to do, when it is missing, not base64 or too short (the service
    /// then refuses to start).
    /// </summary>
    public byte[] ShareLinkKeyBytes()
    {
        const string Fix = "set Review:ShareLinkKey (Review__ShareLinkKey) to at least 32 random bytes in base64, e.g. `head -c 48 /dev/urandom | base64 -w0`; ./dev.sh generates one into .dev/review.key";
        if (string.IsNullOrWhiteSpace(ShareLinkKey))
        {
            throw new InvalidOperationException($"The review service signs share links with Review:ShareLinkKey, which is not set: {Fix}.");
        }
        var bytes = new byte[ShareLinkKey.Length];
        if (!Convert.TryFromBase64String(ShareLinkKey, bytes, out var length))
        {
            throw new InvalidOperationException($"Review:ShareLinkKey is not base64: {Fix}.");
        }
        return length >= MinKeyLength
            ? bytes[..length]
            : throw new InvalidOperationException($"Review:ShareLinkKey has {length} bytes, fewer than {MinKeyLength}: {Fix}.");
    }
}
