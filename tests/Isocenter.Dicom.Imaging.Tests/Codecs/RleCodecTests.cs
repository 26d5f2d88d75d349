using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Codecs.Rle;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

public sealed class RleCodecTests
{
    public static TheoryData<string> RleFiles() =>
    [
        "MR_small_RLE.dcm", "SC_rgb_rle.dcm", "SC_rgb_rle_2frame.dcm", "SC_rgb_rle_16bit.dcm", "SC_rgb_rle_16bit_2frame.dcm",
        "SC_rgb_rle_32bit.dcm", "SC_rgb_rle_32bit_2frame.dcm", "rtdose_rle.dcm", "rtdose_rle_1frame.dcm",
    ];

    public static TheoryData<string> NativeFiles() =>
        ["CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "rtdose.dcm", "SC_rgb_small_odd.dcm", "rtdose_1frame.dcm"];

    [Theory]
    [MemberData(nameof(RleFiles))]
    public void Decode_CorpusFile_EqualsDcmdrle(string name)
    {
        var (_, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var (_, dcmtk) = Dcmtk.Decompress("dcmdrle", Dcmtk.CorpusFile(name));

        Assert.Equal(dcmtk.Length, ours.Length);
        for (var i = 0; i < ours.Length; i++)
        {
            Assert.True(dcmtk[i].AsSpan().SequenceEqual(ours[i]), $"frame {i + 1} differs");
        }
    }

    /// <summary>
    /// GDCM 3.0.21 gets multi-byte RGB RLE wrong: for SC_rgb_rle_16bit its first pixel is 0000 ff00 00ff where DCMTK and
    /// pydicom agree on ffff 0000 0000 (red), and it fails to write the 2-frame ones; those are checked against DCMTK only.
    /// </summary>
    public static TheoryData<string> RleFilesGdcmDecodes() =>
        ["MR_small_RLE.dcm", "SC_rgb_rle.dcm", "SC_rgb_rle_2frame.dcm", "rtdose_rle.dcm", "rtdose_rle_1frame.dcm"];

    [Theory]
    [MemberData(nameof(RleFilesGdcmDecodes))]
    public void Decode_CorpusFile_EqualsGdcmconvRaw(string name)
    {
        var (_, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var (_, gdcm) = Dcmtk.Decompress("gdcmconv", Dcmtk.CorpusFile(name), "--raw");

        Assert.Equal(gdcm.Length, ours.Length);
        for (var i = 0; i < ours.Length; i++)
        {
            Assert.True(gdcm[i].AsSpan().SequenceEqual(ours[i]), $"frame {i + 1} differs");
        }
    }

    [Theory]
    [MemberData(nameof(NativeFiles))]
    [MemberData(nameof(RleFiles))]
    public void Encode_CorpusFrames_DcmdrleDecodesToOriginal(string name)
    {
        var (pixelData, original) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var codec = new RleCodec();
        var encoded = original.Select(frame => codec.Encode(pixelData, frame)).ToArray();
        var folder = Dcmtk.TempFolder();
        try
        {
            var path = Path.Combine(folder, "ours.dcm");
            Encapsulate(pixelData, encoded).Save(path);

            var (_, decoded) = Dcmtk.Decompress("dcmdrle", path);

            Assert.Equal(original.Length, decoded.Length);
            for (var i = 0; i < original.Length; i++)
            {
                Assert.True(original[i].AsSpan().SequenceEqual(decoded[i]), $"frame {i + 1} differs after dcmdrle");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Encode_PlanarConfiguration1_DcmdrleDecodesToOriginal()
    {
        var file = EncodeInputs.Planar1("SC_rgb_small_odd.dcm");
        var pixelData = DicomPixelData.Create(file);
        var planar = pixelData.GetNativeFrame(0);
        var encoded = new RleCodec().Encode(pixelData, planar);
        var folder = Dcmtk.TempFolder();
        try
        {
            var path = Path.Combine(folder, "planar.dcm");
            Encapsulate(pixelData, [encoded]).Save(path);

            var (decodedPixelData, decoded) = Dcmtk.Decompress("dcmdrle", path);

            Assert.Equal(1, decodedPixelData.PlanarConfiguration);
            Assert.Equal(planar, decoded[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void EncodeDecode_RunsAndLiteralsAcrossRowEnds_RoundTrips()
    {
        var dataset = Image(rows: 3, columns: 300, bitsAllocated: 16);
        var pixelData = DicomPixelData.Create(dataset, DicomTransferSyntax.RLELossless);
        var frame = new byte[pixelData.FrameLength];
        var random = new Random(7);
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = i % 700 < 350 ? (byte)(i / 97) : (byte)random.Next(4); // long runs, short runs, literals
        }
        var codec = new RleCodec();

        var encoded = codec.Encode(pixelData, frame);
        var decoded = new byte[frame.Length];
        codec.Decode(pixelData, encoded, decoded);

        Assert.Equal(frame, decoded);
        Assert.True(encoded.Length < frame.Length, $"{encoded.Length} bytes for {frame.Length}");
    }

    [Fact]
    public void Decode_WrongSegmentCount_Throws()
    {
        var pixelData = DicomPixelData.Create(Image(rows: 2, columns: 2, bitsAllocated: 16), DicomTransferSyntax.RLELossless);
        var encoded = new byte[70];
        encoded[0] = 1;

        Assert.Throws<DicomDataException>(() => new RleCodec().Decode(pixelData, encoded, new byte[8]));
    }

    internal static DicomDataset Image(int rows, int columns, int bitsAllocated, int samples = 1) => new DicomDataset()
        .Set<ushort>(DicomTag.Rows, (ushort)rows)
        .Set<ushort>(DicomTag.Columns, (ushort)columns)
        .Set<ushort>(DicomTag.SamplesPerPixel, (ushort)samples)
        .Set<ushort>(DicomTag.BitsAllocated, (ushort)bitsAllocated)
        .Set<ushort>(DicomTag.BitsStored, (ushort)bitsAllocated)
        .Set<ushort>(DicomTag.HighBit, (ushort)(bitsAllocated - 1))
        .Set(DicomTag.PixelRepresentation, (ushort)0)
        .Set(DicomTag.PhotometricInterpretation, samples == 3 ? "RGB" : "MONOCHROME2")
        .Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(new byte[(rows * columns * samples * bitsAllocated / 8 + 1) & ~1])));

    /// <summary>A Part 10 file of <paramref name="pixelData"/>'s dataset with <paramref name="frames"/> as fragments, one per frame, and a Basic Offset Table.</summary>
    internal static DicomFile Encapsulate(DicomPixelData pixelData, byte[][] frames, DicomTransferSyntax? transferSyntax = null)
    {
        var dataset = pixelData.Dataset.Clone();
        var offsets = new byte[frames.Length * 4];
        uint offset = 0;
        for (var i = 0; i < frames.Length; i++)
        {
            BitConverter.TryWriteBytes(offsets.AsSpan(i * 4), offset);
            offset += 8 + (uint)frames[i].Length;
        }
        dataset.Add(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(offsets), frames.Select(f => DicomBuffer.FromBytes(f))));
        return new DicomFile(dataset, transferSyntax ?? DicomTransferSyntax.RLELossless);
    }
}
