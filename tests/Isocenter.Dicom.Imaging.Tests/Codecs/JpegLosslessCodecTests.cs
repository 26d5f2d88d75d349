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
