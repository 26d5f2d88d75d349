using System.Buffers;
using System.Buffers.Binary;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.Rle;

/// <summary>
/// RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, then one PackBits segment per byte of each
/// sample, most significant byte first, sample by sample (R, G, B).
/// </summary>
public sealed class RleCodec : IDicomCodec
{
    private const int HeaderLength = 64;
    private const int MaxSegments = 15;

    public DicomTransferSyntax TransferSyntax => DicomTransferSyntax.RLELossless;

    public void Decode(DicomPixelData pixelData, ReadOnlySpan<byte> encoded, Span<byte> frame)
    {
        var (bytesPerSample, pixels, segments) = Layout(pixelData);
        if (encoded.Length < HeaderLength)
        {
            throw new DicomDataException($"RLE frame of {encoded.Length} bytes is shorter than its 64-byte header.");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(encoded);
        if (count != segments)
        {
            throw new DicomDataException($"RLE frame has {count} segments; {segments} expected for {pixelData}.");
        }
        var buffer = ArrayPool<byte>.Shared.Rent(pixels);
        try
        {
            var segment = buffer.AsSpan(0, pixels);
            for (var s = 0; s < segments; s++)
            {
                var start = BinaryPrimitives.ReadInt32LittleEndian(encoded[(4 + s * 4)..]);
                var end = s + 1 < segments ? BinaryPrimitives.ReadInt32LittleEndian(encoded[(8 + s * 4)..]) : encoded.Length;
                if (start < HeaderLength || start > encoded.Length || end < start || end > encoded.Length)
                {
                    throw new DicomDataException($"RLE segment {s + 1} has offsets {start}..{end} outside the frame of {encoded.Length} bytes.");
                }
                segment.Clear();
                DecodeSegment(encoded[start..end], segment);
                var sample = s / bytesPerSample;
                var byteInSample = bytesPerSample - 1 - s % bytesPerSample;
                Scatter(pixelData, segment, frame, sample, byteInSample, bytesPerSample);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public byte[] Encode(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        var (bytesPerSample, pixels, segments) = Layout(pixelData);
        var gathered = new byte[pixels];
        var output = new ArrayBufferWriter<byte>(HeaderLength + frame.Length + frame.Length / 64 + 16);
        var header = output.GetSpan(HeaderLength)[..HeaderLength];
        header.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(header, segments);
        output.Advance(HeaderLength);
        var offsets = new int[segments];
        for (var s = 0; s < segments; s++)
        {
            offsets[s] = output.WrittenCount;
            Gather(pixelData, frame, gathered, s / bytesPerSample, bytesPerSample - 1 - s % bytesPerSample, bytesPerSample);
            for (var row = 0; row < pixelData.Rows; row++)
            {
                // PS3.5 G.3.1: a run never crosses the end of a row.
                EncodeRow(gathered.AsSpan(row * pixelData.Columns, pixelData.Columns), output);
            }
            if (output.WrittenCount % 2 != 0)
            {
                output.GetSpan(1)[0] = 0x80; // -128: a no-op in PackBits, so padding never adds a byte.
                output.Advance(1);
            }
        }
        var result = output.WrittenSpan.ToArray();
        for (var s = 0; s < segments; s++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(4 + s * 4), offsets[s]);
        }
        return result;
    }

    private static (int BytesPerSample, int Pixels, int Segments) Layout(DicomPixelData pixelData)
    {
        if (pixelData.BitsAllocated % 8 != 0)
        {
            throw new DicomDataException($"RLE with Bits Allocated {pixelData.BitsAllocated} is not supported.");
        }
        var bytesPerSample = pixelData.BytesPerSample;
        var segments = bytesPerSample * pixelData.SamplesPerPixel;
        if (segments > MaxSegments)
        {
            throw new DicomDataException($"RLE holds at most {MaxSegments} segments; {pixelData} needs {segments}.");
        }
        return (bytesPerSample, pixelData.Rows * pixelData.Columns, segments);
    }

    /// <summary>PackBits (G.3.1): n in 0..127 copies n+1 literal bytes, -127..-1 repeats the next byte 1-n times, -128 does nothing.</summary>
    internal static void DecodeSegment(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var i = 0;
        var o = 0;
        while (i < source.Length && o < destination.Length)
        {
            var n = (sbyte)source[i++];
            if (n >= 0)
            {
                var length = Math.Min(Math.Min(n + 1, source.Length - i), destination.Length - o);
                source.Slice(i, length).CopyTo(destination[o..]);
                i += n + 1;
                o += length;
            }
            else if (n != -128)
            {
                if (i >= source.Length)
                {
                    break;
                }
                var length = Math.Min(1 - n, destination.Length - o);
                destination.Slice(o, length).Fill(source[i++]);
                o += length;
            }
        }
    }

    internal static void EncodeRow(ReadOnlySpan<byte> row, ArrayBufferWriter<byte> output)
    {
        var i = 0;
        while (i < row.Length)
        {
            var run = 1;
            while (i + run < row.Length && run < 128 && row[i + run] == row[i])
            {
                run++;
            }
            if (run >= 2)
            {
                var span = output.GetSpan(2);
                span[0] = (byte)(sbyte)(1 - run);
                span[1] = row[i];
                output.Advance(2);
                i += run;
                continue;
            }
            // Literals until a run of three starts (a run of two inside literals costs as much as it saves).
            var start = i;
            while (i < row.Length && i - start < 128)
            {
                if (i + 2 < row.Length && row[i] == row[i + 1] && row[i] == row[i + 2])
                {
                    break;
                }
                i++;
            }
            var literal = output.GetSpan(1 + i - start);
            literal[0] = (byte)(i - start - 1);
            row[start..i].CopyTo(literal[1..]);
            output.Advance(1 + i - start);
        }
    }

    private static void Scatter(DicomPixelData pixelData, ReadOnlySpan<byte> segment, Span<byte> frame, int sample, int byteInSample, int bytesPerSample)
    {
        var (start, stride) = Position(pixelData, sample, byteInSample, bytesPerSample);
        if (stride == 1)
        {
            segment.CopyTo(frame[start..]);
            return;
        }
        for (int p = 0, o = start; p < segment.Length; p++, o += stride)
        {
            frame[o] = segment[p];
        }
    }

    private static void Gather(DicomPixelData pixelData, ReadOnlySpan<byte> frame, Span<byte> segment, int sample, int byteInSample, int bytesPerSample)
    {
        var (start, stride) = Position(pixelData, sample, byteInSample, bytesPerSample);
        for (int p = 0, o = start; p < segment.Length; p++, o += stride)
        {
            segment[p] = frame[o];
        }
    }

    /// <summary>Where byte <paramref name="byteInSample"/> (0 = least significant) of <paramref name="sample"/> lies in a native frame, and its stride.</summary>
    private static (int Start, int Stride) Position(DicomPixelData pixelData, int sample, int byteInSample, int bytesPerSample)
    {
        var pixels = pixelData.Rows * pixelData.Columns;
        return pixelData.PlanarConfiguration == 1
            ? (sample * pixels * bytesPerSample + byteInSample, bytesPerSample)
            : (sample * bytesPerSample + byteInSample, bytesPerSample * pixelData.SamplesPerPixel);
    }
}
