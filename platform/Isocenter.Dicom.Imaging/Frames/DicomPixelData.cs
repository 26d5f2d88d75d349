using System.Buffers.Binary;
using System.Globalization;

namespace Isocenter.Dicom.Imaging.Frames;

/// <summary>
/// The Image Pixel module (PS3.3 C.7.6.3) of a dataset and access to its frames, native or encapsulated (PS3.5 8.2, A.4).
/// A native frame is returned as stored (little-endian, Bits Allocated per sample, the dataset's Planar Configuration);
/// an encapsulated frame is the bytes of its compressed bitstream.
/// </summary>
public sealed class DicomPixelData
{
    private readonly DicomElement _pixelData;
    private ReadOnlyMemory<byte>? _native;
    private ReadOnlyMemory<byte>[]? _encapsulated;

    private DicomPixelData(DicomDataset dataset, DicomTransferSyntax transferSyntax, DicomElement pixelData)
    {
        Dataset = dataset;
        TransferSyntax = transferSyntax;
        _pixelData = pixelData;
        Rows = dataset.GetValue<ushort>(DicomTag.Rows);
        Columns = dataset.GetValue<ushort>(DicomTag.Columns);
        SamplesPerPixel = dataset.TryGetValue<ushort>(DicomTag.SamplesPerPixel, out var spp) ? spp : (ushort)1;
        BitsAllocated = dataset.GetValue<ushort>(DicomTag.BitsAllocated);
        BitsStored = dataset.TryGetValue<ushort>(DicomTag.BitsStored, out var stored) ? stored : BitsAllocated;
        HighBit = dataset.TryGetValue<ushort>(DicomTag.HighBit, out var high) ? high : (ushort)(BitsStored - 1);
        PixelRepresentation = dataset.TryGetValue<ushort>(DicomTag.PixelRepresentation, out var representation) ? representation : (ushort)0;
        PlanarConfiguration = SamplesPerPixel > 1 && dataset.TryGetValue<ushort>(DicomTag.PlanarConfiguration, out var planar) ? planar : (ushort)0;
        PhotometricInterpretation = dataset.GetString(DicomTag.PhotometricInterpretation)?.Trim() is { Length: > 0 } pi ? pi
            : SamplesPerPixel == 3 ? "RGB" : "MONOCHROME2";
        var frames = dataset.GetString(DicomTag.NumberOfFrames);
        NumberOfFrames = int.TryParse(frames?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        if (Rows == 0 || Columns == 0 || BitsAllocated == 0 || BitsAllocated > 64 || (BitsAllocated != 1 && BitsAllocated % 8 != 0)
            || SamplesPerPixel == 0 || BitsStored == 0 || BitsStored > BitsAllocated)
        {
            throw new DicomDataException($"Unsupported image pixel description: {this}.");
        }
    }

    /// <summary>The dataset the pixel data belongs to.</summary>
    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the pixel data is encoded in.</summary>
    public DicomTransferSyntax TransferSyntax { get; }

    public int Rows { get; }
    public int Columns { get; }
    public int SamplesPerPixel { get; }
    public int BitsAllocated { get; }
    public int BitsStored { get; }
    public int HighBit { get; }

    /// <summary>0: unsigned, 1: two's complement.</summary>
    public int PixelRepresentation { get; }

    /// <summary>0: colour-by-pixel (R1G1B1R2…), 1: colour-by-plane (R1R2…G1G2…).</summary>
    public int PlanarConfiguration { get; }

    public string PhotometricInterpretation { get; }

    /// <summary>
    /// The photometric interpretation of frames as the codecs return them: RGB for YBR_FULL and YBR_FULL_422 in JPEG
    /// Baseline/Extended (converted while decoding, as <c>dcmdjpeg</c> does) and for YBR_RCT and YBR_ICT in JPEG 2000 and HTJ2K
    /// (OpenJPEG undoes the component transform, as <c>gdcmconv --raw</c> does), else <see cref="PhotometricInterpretation"/>.
    /// </summary>
    public string FramePhotometricInterpretation =>
        IsEncapsulated && PhotometricInterpretation is "YBR_FULL" or "YBR_FULL_422"
            && (TransferSyntax.Uid == DicomUid.JPEGBaseline8Bit || TransferSyntax.Uid == DicomUid.JPEGExtended12Bit)
        || IsEncapsulated && PhotometricInterpretation is "YBR_RCT" or "YBR_ICT"
            && TransferSyntax.Uid is DicomUid.JPEG2000Lossless or DicomUid.JPEG2000 or "1.2.840.10008.1.2.4.201" or "1.2.840.10008.1.2.4.202" or "1.2.840.10008.1.2.4.203"
            ? "RGB" : PhotometricInterpretation;
    public int NumberOfFrames { get; }

    /// <summary>Whether the pixel data is encapsulated (compressed) rather than native.</summary>
    public bool IsEncapsulated => _pixelData is DicomFragmentSequence;

    /// <summary>True for signed samples.</summary>
    public bool IsSigned => PixelRepresentation == 1;

    /// <summary>Bytes per sample in a native frame (0 for Bits Allocated 1).</summary>
    public int BytesPerSample => BitsAllocated / 8;

    /// <summary>Bits in one native frame.</summary>
    public long FrameBits => IsNative422
        ? (long)Rows * Columns * 2 * BitsAllocated // PS3.3 C.7.6.3.1.2: two chrominance samples for every two pixels
        : (long)Rows * Columns * SamplesPerPixel * BitsAllocated;

    /// <summary>Native YBR_FULL_422 and YBR_PARTIAL_422 keep their horizontal subsampling: Y1 Y2 Cb Cr for each pair of pixels.</summary>
    public bool IsNative422 => !IsEncapsulated && PhotometricInterpretation is "YBR_FULL_422" or "YBR_PARTIAL_422";

    /// <summary>Length in bytes of one native (decoded) frame; for Bits Allocated 1, rounded up to whole bytes.</summary>
    public int FrameLength => checked((int)((FrameBits + 7) / 8));

    /// <summary>The pixel description of <paramref name="dataset"/>, encoded in <paramref name="transferSyntax"/>.</summary>
    public static DicomPixelData Create(DicomDataset dataset, DicomTransferSyntax transferSyntax)
    {
        var element = dataset[DicomTag.PixelData] ?? throw new DicomDataException("The dataset has no Pixel Data (7FE0,0010).");
        if (element is not DicomValueElement and not DicomFragmentSequence)
        {
            throw new DicomDataException("Pixel Data (7FE0,0010) is neither native nor encapsulated.");
        }
        return new DicomPixelData(dataset, transferSyntax, element);
    }

    /// <summary>The pixel description of <paramref name="file"/>'s dataset.</summary>
    public static DicomPixelData Create(DicomFile file) => Create(file.Dataset, file.TransferSyntax);

    /// <summary>
    /// Native frame <paramref name="index"/> as stored. A short last frame (truncated data) is padded with zeros; with Bits
    /// Allocated 1 a frame that does not start on a byte boundary is shifted so that it does.
    /// </summary>
    public byte[] GetNativeFrame(int index)
    {
        CheckIndex(index);
        if (_pixelData is not DicomValueElement element)
        {
            throw new InvalidOperationException("The pixel data is encapsulated: decode it with a codec (DicomFrameDecoder).");
        }
        var all = (_native ??= element.Buffer.Memory).Span;
        var frame = new byte[FrameLength];
        var startBit = FrameBits * index;
        if (startBit % 8 == 0)
        {
            var start = startBit / 8;
            if (start < all.Length)
            {
                var available = (int)Math.Min(frame.Length, all.Length - start);
                all.Slice((int)start, available).CopyTo(frame);
            }
            if (FrameBits % 8 != 0)
            {
                frame[^1] &= (byte)((1 << (int)(FrameBits % 8)) - 1); // the rest of the byte belongs to the next frame
            }
            return frame;
        }
        // Bits Allocated 1: bits are packed little-endian within bytes (PS3.5 8.1.1), frames follow each other without padding.
        for (long bit = 0; bit < FrameBits; bit++)
        {
            var source = startBit + bit;
            if (source / 8 >= all.Length)
            {
                break;
            }
            if ((all[(int)(source / 8)] >> (int)(source % 8) & 1) != 0)
            {
                frame[bit / 8] |= (byte)(1 << (int)(bit % 8));
            }
        }
        return frame;
    }

    /// <summary>
    /// The compressed bitstream of frame <paramref name="index"/>: its fragments joined. Frames are found from the Extended
    /// Offset Table, else the Basic Offset Table, else one fragment per frame when the counts match, else by splitting
    /// fragments after a JPEG end-of-image marker (FFD9), as DCMTK and pydicom do; a single frame is all fragments.
    /// </summary>
    public ReadOnlyMemory<byte> GetEncodedFrame(int index)
    {
        CheckIndex(index);
        if (_pixelData is not DicomFragmentSequence sequence)
        {
            throw new InvalidOperationException("The pixel data is native.");
        }
        _encapsulated ??= SplitFrames(sequence);
        if (index >= _encapsulated.Length)
        {
            throw new DicomDataException($"Frame {index + 1} of {NumberOfFrames} could not be found among {sequence.Fragments.Count} fragments.");
        }
        return _encapsulated[index];
    }

    private ReadOnlyMemory<byte>[] SplitFrames(DicomFragmentSequence sequence)
    {
        var fragments = sequence.Fragments.Select(f => f.Memory).ToArray();
        if (NumberOfFrames == 1)
        {
            return [Join(fragments)];
        }
        var offsets = FrameOffsets(sequence);
        if (offsets is not null)
        {
            return SplitByOffsets(fragments, offsets);
        }
        if (fragments.Length == NumberOfFrames)
        {
            return fragments;
        }
        var frames = new List<ReadOnlyMemory<byte>>();
        var current = new List<ReadOnlyMemory<byte>>();
        foreach (var fragment in fragments)
        {
            current.Add(fragment);
            if (EndsWithEoi(fragment.Span))
            {
                frames.Add(Join(current));
                current.Clear();
            }
        }
        if (current.Count > 0)
        {
            frames.Add(Join(current));
        }
        return [.. frames];
    }

    private long[]? FrameOffsets(DicomFragmentSequence sequence)
    {
        if (Dataset[DicomTag.ExtendedOffsetTable] is DicomValueElement extended && extended.Length >= 8L * NumberOfFrames)
        {
            return extended.GetValues<ulong>().Take(NumberOfFrames).Select(o => checked((long)o)).ToArray();
        }
        var basic = sequence.Offsets;
        return basic.Count >= NumberOfFrames ? basic.Take(NumberOfFrames).Select(o => (long)o).ToArray() : null;
    }

    /// <summary>Offsets count from the first byte of the first fragment's item tag; each fragment item has an 8-byte header.</summary>
    private static ReadOnlyMemory<byte>[] SplitByOffsets(ReadOnlyMemory<byte>[] fragments, long[] offsets)
    {
        var frames = new ReadOnlyMemory<byte>[offsets.Length];
        var starts = new long[fragments.Length];
        long position = 0;
        for (var i = 0; i < fragments.Length; i++)
        {
            starts[i] = position;
            position += 8 + fragments[i].Length;
        }
        for (var f = 0; f < offsets.Length; f++)
        {
            var end = f + 1 < offsets.Length ? offsets[f + 1] : long.MaxValue;
            var parts = fragments.Where((_, i) => starts[i] >= offsets[f] && starts[i] < end);
            frames[f] = Join([.. parts]);
        }
        return frames;
    }

    private static bool EndsWithEoi(ReadOnlySpan<byte> fragment)
    {
        // A fragment is padded to even length, so the marker may be followed by one zero byte.
        var trimmed = fragment.Length > 0 && fragment[^1] == 0 ? fragment[..^1] : fragment;
        return trimmed.Length >= 2 && trimmed[^2] == 0xFF && trimmed[^1] == 0xD9;
    }

    private static ReadOnlyMemory<byte> Join(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }
        var joined = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.Span.CopyTo(joined.AsSpan(at));
            at += part.Length;
        }
        return joined;
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)NumberOfFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The image has {NumberOfFrames} frame(s).");
        }
    }

    /// <summary>Reads sample <paramref name="i"/> of a native frame as an integer, masked to Bits Stored below High Bit and sign-extended.</summary>
    internal int ReadSample(ReadOnlySpan<byte> frame, int i)
    {
        uint raw = BitsAllocated switch
        {
            1 => (uint)(frame[i >> 3] >> (i & 7) & 1),
            8 => frame[i],
            16 => BinaryPrimitives.ReadUInt16LittleEndian(frame[(i * 2)..]),
            32 => BinaryPrimitives.ReadUInt32LittleEndian(frame[(i * 4)..]),
            _ => throw new NotSupportedException($"Bits Allocated {BitsAllocated} is not supported for rendering."),
        };
        if (BitsAllocated == 1)
        {
            return (int)raw;
        }
        var shift = HighBit + 1 - BitsStored;
        var value = raw >> shift;
        if (BitsStored < 32)
        {
            value &= (1u << BitsStored) - 1;
            if (IsSigned && (value & (1u << (BitsStored - 1))) != 0)
            {
                value |= ~((1u << BitsStored) - 1);
            }
        }
        return (int)value;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Columns}×{Rows}, {NumberOfFrames} frame(s), {SamplesPerPixel} sample(s) of {BitsStored}/{BitsAllocated} bits (high bit {HighBit}, {(IsSigned ? "signed" : "unsigned")}), {PhotometricInterpretation}, planar {PlanarConfiguration}, {TransferSyntax.Name}");
}
