using System.Buffers.Binary;

namespace Isocenter.Testing;

/// <summary>Byte-level views of Part 10 files, for checking that what a peer received or stored is what was sent.</summary>
public static class Part10
{
    /// <summary>The dataset bytes of a Part 10 file: everything after its File Meta Information (group length at byte 140).</summary>
    public static byte[] DataSet(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 144 || !bytes.AsSpan(128, 4).SequenceEqual("DICM"u8))
        {
            throw new InvalidDataException($"{path} is not a Part 10 file (no DICM prefix)");
        }
        return bytes[(144 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140))) ..];
    }
}
