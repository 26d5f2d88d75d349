using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Isocenter.Review.ShareLinks;

/// <summary>
/// Share-link tokens: <c>base64url(16-byte link id ‖ 8-byte expiry, Unix seconds, big-endian) "." base64url(HMAC-SHA256(key,
/// the first part's ASCII))</c>, signed with <see cref="ReviewOptions.ShareLinkKey"/>. A token names its link and says when it
/// expires; whether the link is still valid (not revoked) is the database's to say.
/// </summary>
public sealed class ShareLinkTokens(IOptions<ReviewOptions> options)
{
    private const int PayloadLength = 24;
    private readonly byte[] _key = options.Value.ShareLinkKeyBytes();

    /// <summary>The token of link <paramref name="linkId"/> expiring at <paramref name="expiresAt"/> (whole seconds).</summary>
    public string Create(Guid linkId, DateTimeOffset expiresAt)
    {
        Span<byte> payload = stackalloc byte[PayloadLength];
        linkId.TryWriteBytes(payload[..16], bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(payload[16..], expiresAt.ToUnixTimeSeconds());
        var first = Base64Url.EncodeToString(payload);
        return $"{first}.{Base64Url.EncodeToString(Sign(first))}";
    }

    /// <summary>The link and expiry a token names, or why it is not one of ours (malformed, or a signature that does not match).</summary>
    public (Guid LinkId, DateTimeOffset ExpiresAt)? Read(string token, out string problem)
    {
        problem = "The link is malformed: it was cut short or changed; ask its sender for a new one.";
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || token.Length > 200)
        {
            return null;
        }
        var (first, signature) = (token[..dot], token[(dot + 1)..]);
        Span<byte> payload = stackalloc byte[PayloadLength + 3];
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes + 3];
        if (!Base64Url.TryDecodeFromChars(first, payload, out var payloadLength) || payloadLength != PayloadLength
            || !Base64Url.TryDecodeFromChars(signature, mac, out var macLength) || macLength != HMACSHA256.HashSizeInBytes)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(mac[..macLength], Sign(first)))
        {
            problem = "The link's signature does not match: it was changed, or signed with another key; ask its sender for a new one.";
            return null;
        }
        problem = "";
        return (new Guid(payload[..16], bigEndian: true), DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload[16..PayloadLength])));
    }

    private byte[] Sign(string first) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(first));
}
