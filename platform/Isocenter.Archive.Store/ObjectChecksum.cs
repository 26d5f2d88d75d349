using System.IO.Hashing;

namespace Isocenter.Archive.Store;

/// <summary>
/// The checksum an instance's object is indexed with: <c>xxh128:</c> and the XXH3 128-bit hash (canonical, big-endian) in
/// 32 lower-case hexadecimal digits. It tells a damaged or replaced object from the one stored; it is not a signature
/// (whoever can rewrite the objects can rewrite the index). A small fraction of SHA-256's CPU (docs/archive.md,
/// "Throughput").
/// </summary>
internal static class ObjectChecksum
{
    /// <summary>The checksum of <paramref name="content"/>, a whole object.</summary>
    public static string Of(ReadOnlySpan<byte> content) => Format(XxHash128.Hash(content));

    /// <summary>The checksum of what <paramref name="hash"/> has been given so far.</summary>
    public static string Of(XxHash128 hash) => Format(hash.GetCurrentHash());

    private static string Format(byte[] hash) => "xxh128:" + Convert.ToHexStringLower(hash);
}
