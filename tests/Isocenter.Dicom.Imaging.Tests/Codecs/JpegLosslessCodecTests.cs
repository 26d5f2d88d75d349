using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Codecs.JpegLossless;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

public sealed class JpegLosslessCodecTests
{
    public static TheoryData<string, int, int> Compressions()
    {
        var data = new TheoryData<string, int, int>();
        // dcmcjpeg's lossless encoder takes 8 or 16 bits allocated; it writes no restart markers.
        foreach (var file in new[] { "CT_small.dcm", "MR_small.dcm", "SC_rgb_small_odd.dcm" })
        {
            for (var selectionValue = 1; selectionValue <= 7; selectionValue++)
            {
                data.Add(file, selectionValue, 0);
            }
            data.Add(file, 1, 3);
        }
        data.Add("SC_rgb_rle_16bit_2frame.dcm", 6, 0);
        data.Add("SC_rgb_rle_2frame.dcm", 4, 0);
        return data;
    }

    [Theory]
    [InlineData("SC_rgb_jpeg_gdcm.dcm")]
    public void Decode_CorpusFile_EqualsDcmdjpeg(string name)
    {
        var (_, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var (_, dcmtk) = Dcmtk.Decompress("dcmdjpeg", Dcmtk.CorpusFile(name));

        AssertFramesEqual(dcmtk, ours);
    }

    [Theory]
    [InlineData("SC_rgb_jpeg_gdcm.dcm")]
    public void Decode_CorpusFile_EqualsGdcmconvRaw(string name)
    {
        var (_, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var (_, gdcm) = Dcmtk.Decompress("gdcmconv", Dcmtk.CorpusFile(name), "--raw");

        AssertFramesEqual(gdcm, ours);
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Decode_DcmcjpegOutput_EqualsDcmdjpegAndOriginal(string name, int selectionValue, int pointTransform)
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var native = Path.Combine(folder, "native.dcm");
            var compressed = Path.Combine(folder, "compressed.dcm");
            // dcmcjpeg needs native input: decompress RLE corpus files first.
            File.Copy(Dcmtk.CorpusFile(name), native);
            var (original, originalFrames) = Dcmtk.ReadFrames(native);
            if (original.IsEncapsulated)
            {
                Dcmtk.Run("dcmdrle", Dcmtk.CorpusFile(name), native + ".2");
                File.Move(native + ".2", native, overwrite: true);
            }
            string[] options = selectionValue == 1 && pointTransform == 0 ? ["+e1"] : ["+el", "+sv", $"{selectionValue}", "+pt", $"{pointTransform}"];
            Dcmtk.Run("dcmcjpeg", [.. options, native, compressed]);

            var (pixelData, ours) = Dcmtk.ReadFrames(compressed);
            var (_, dcmtk) = Dcmtk.Decompress("dcmdjpeg", compressed);

            Assert.True(pixelData.IsEncapsulated);
            AssertFramesEqual(dcmtk, ours);
            if (pointTransform == 0)
            {
                AssertFramesEqual(originalFrames, ours);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("CT_small.dcm", 0)]
    [InlineData("CT_small.dcm", 5)]
    [InlineData("MR_small.dcm", 1)]
    [InlineData("SC_rgb_small_odd.dcm", 0)]
    [InlineData("SC_rgb_small_odd.dcm", 2)]
    [InlineData("SC_rgb_rle_16bit_2frame.dcm", 0)]
    [InlineData("SC_rgb_rle_2frame.dcm", 7)]
    [InlineData("MR_small_RLE.dcm", 16)]
    public void Encode_CorpusFrames_DcmdjpegDecodesToOriginal(string name, int restartRows)
    {
        var (pixelData, original) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var codec = new JpegLosslessCodec(DicomTransferSyntax.JPEGLosslessSV1, restartRows);
        var encoded = original.Select(frame => codec.Encode(pixelData, frame)).ToArray();
        var folder = Dcmtk.TempFolder();
        try
        {
            var path = Path.Combine(folder, "ours.dcm");
            RleCodecTests.Encapsulate(pixelData, encoded, DicomTransferSyntax.JPEGLosslessSV1).Save(path);

            var (_, dcmtk) = Dcmtk.Decompress("dcmdjpeg", path);
            var (_, ours) = Dcmtk.ReadFrames(path);

            AssertFramesEqual(original, dcmtk);
            AssertFramesEqual(original, ours);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(12)]
    [InlineData(16)]
    public void EncodeDecode_ExtremeDifferences_RoundTrips(int bitsStored)
    {
        var dataset = RleCodecTests.Image(rows: 5, columns: 7, bitsAllocated: bitsStored > 8 ? 16 : 8)
            .Set(DicomTag.BitsStored, (ushort)bitsStored).Set(DicomTag.HighBit, (ushort)(bitsStored - 1));
        var pixelData = DicomPixelData.Create(dataset, DicomTransferSyntax.JPEGLosslessSV1);
        var frame = new byte[pixelData.FrameLength];
        var max = (1 << bitsStored) - 1;
        for (var i = 0; i < 35; i++)
        {
            var value = i % 3 == 0 ? max : i % 3 == 1 ? 0 : max / 2; // jumps of the full range, both ways
            if (pixelData.BytesPerSample == 1)
            {
                frame[i] = (byte)value;
            }
            else
            {
                frame[i * 2] = (byte)value;
                frame[i * 2 + 1] = (byte)(value >> 8);
            }
        }
        var codec = new JpegLosslessCodec(DicomTransferSyntax.JPEGLosslessSV1, restartRows: 2);

        var decoded = new byte[frame.Length];
        codec.Decode(pixelData, codec.Encode(pixelData, frame), decoded);

        Assert.Equal(frame, decoded);
    }

    private static void AssertFramesEqual(byte[][] expected, byte[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            var at = expected[i].AsSpan().CommonPrefixLength(actual[i]);
            Assert.True(at == expected[i].Length, $"frame {i + 1} differs at byte {at}");
        }
    }
}
