using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Dicom.Imaging.Png;

/// <summary>Writes 8-bit grey or RGB PNG (ISO/IEC 15948), non-interlaced, each row filtered with None, Sub or Up, whichever is smallest.</summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static void Write(RenderedImage image, Stream output, CompressionLevel level = CompressionLevel.Fastest)
    {
        output.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = 8;
        header[9] = image.Channels == 3 ? (byte)2 : (byte)0;
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Compress(image, level));
        WriteChunk(output, "IEND", []);
    }

    public static byte[] Encode(RenderedImage image)
    {
        using var stream = new MemoryStream();
        Write(image, stream);
        return stream.ToArray();
    }

    private static byte[] Compress(RenderedImage image, CompressionLevel level)
    {
        var stride = image.Width * image.Channels;
        var bpp = image.Channels;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            var candidates = new byte[3][];
            for (var f = 0; f < 3; f++)
            {
                candidates[f] = new byte[stride + 1];
                candidates[f][0] = (byte)f;
            }
            var zero = new byte[stride];
            for (var y = 0; y < image.Height; y++)
            {
                var row = image.Pixels.AsSpan(y * stride, stride);
                var above = y > 0 ? image.Pixels.AsSpan((y - 1) * stride, stride) : zero;
                var none = candidates[0].AsSpan(1);
                var sub = candidates[1].AsSpan(1);
                var up = candidates[2].AsSpan(1);
                row.CopyTo(none);
                row[..bpp].CopyTo(sub);
                for (var i = bpp; i < stride; i++)
                {
                    sub[i] = (byte)(row[i] - row[i - bpp]);
                }
                for (var i = 0; i < stride; i++)
                {
                    up[i] = (byte)(row[i] - above[i]);
                }
                var best = 0;
                var bestScore = long.MaxValue;
                for (var f = 0; f < 3; f++)
                {
                    var score = Score(candidates[f].AsSpan(1));
                    if (score < bestScore)
                    {
                        (best, bestScore) = (f, score);
                    }
                }
                zlib.Write(candidates[best]);
            }
        }
        return compressed.ToArray();
    }

    /// <summary>The usual heuristic: the sum of the filtered bytes read as signed magnitudes.</summary>
    private static long Score(ReadOnlySpan<byte> filtered)
    {
        long score = 0;
        foreach (var value in filtered)
        {
            score += value < 128 ? value : 256 - value;
        }
        return score;
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        Encoding.ASCII.GetBytes(type, head[4..]);
        output.Write(head);
        output.Write(data);
        var crc = Crc32(Crc32(0xFFFFFFFF, head[4..]), data) ^ 0xFFFFFFFF;
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        output.Write(tail);
    }

    /// <summary>CRC-32 (ISO 3309, as PNG uses it), continued from <paramref name="crc"/>.</summary>
    internal static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
