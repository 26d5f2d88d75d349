using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Isocenter.Testing;

/// <summary>Byte-level views of Part 10 files, for checking that what a peer received or stored is what was sent.</summary>
public static class Part10
{
    private const string DeflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99";

    /// <summary>
    /// The dataset bytes of a Part 10 file: everything after its File Meta Information (group length at byte 140), inflated
    /// when the transfer syntax is Deflated Explicit VR Little Endian (senders may deflate the same dataset differently).
    /// </summary>
    public static byte[] DataSet(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 144 || !bytes.AsSpan(128, 4).SequenceEqual("DICM"u8))
        {
            throw new InvalidDataException($"{path} is not a Part 10 file (no DICM prefix)");
        }
        var start = 144 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140));
        if (!Encoding.ASCII.GetString(bytes, 144, start - 144).Contains(DeflatedExplicitVRLittleEndian, StringComparison.Ordinal))
        {
            return bytes[start..];
        }
        using var inflated = new MemoryStream();
        using (var deflate = new DeflateStream(new MemoryStream(bytes, start, bytes.Length - start), CompressionMode.Decompress))
        {
            deflate.CopyTo(inflated);
        }
        return inflated.ToArray();
    }
}
