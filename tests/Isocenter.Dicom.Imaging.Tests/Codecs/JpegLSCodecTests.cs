namespace Isocenter.Dicom.Imaging.Tests.Codecs;

public sealed class JpegLSCodecTests
{
    public static TheoryData<string, string> Compressions()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "CT_small.dcm", "MR_small.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_rle_2frame.dcm", "SC_rgb_rle_16bit_2frame.dcm" })
        {
            data.Add(file, "+el"); // line interleaved for colour
        }
        // dcmcjpls refuses near-lossless for signed pixels, and its near-lossless 3×3 RGB has no valid SOF55 marker.
        data.Add("SC_rgb_rle_2frame.dcm", "+en");
        data.Add("SC_rgb_rle_16bit_2frame.dcm", "+en");
        data.Add("SC_rgb_small_odd.dcm", "+is");
        data.Add("SC_rgb_small_odd.dcm", "+in");
        data.Add("SC_rgb_rle_2frame.dcm", "+in");
        data.Add("SC_rgb_rle_16bit_2frame.dcm", "+is"); // dcmdjpls fails on its own 16-bit +in output
        return data;
    }

    [Fact]
    public void Decode_CorpusFile_EqualsDcmdjplsAndOriginal()
    {
        var (_, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile("MR_small_jpeg_ls_lossless.dcm"));
        var (_, dcmtk) = Dcmtk.Decompress("dcmdjpls", Dcmtk.CorpusFile("MR_small_jpeg_ls_lossless.dcm"));
        var (_, original) = Dcmtk.ReadFrames(Dcmtk.CorpusFile("MR_small.dcm"));

        JpegCodecTests.AssertFramesClose(dcmtk, ours, 0);
        JpegCodecTests.AssertFramesClose(original, ours, 0);
    }

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Decode_DcmcjplsOutput_EqualsDcmdjpls(string name, string mode)
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var native = Path.Combine(folder, "native.dcm");
            var compressed = Path.Combine(folder, "compressed.dcm");
            var (_, originalFrames) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
            var encapsulated = name.Contains("rle", StringComparison.Ordinal);
            Dcmtk.Run(encapsulated ? "dcmdrle" : "dcmconv", Dcmtk.CorpusFile(name), native);
            string[] options = mode == "+en" ? ["+en"] : ["+el", mode];
            Dcmtk.Run("dcmcjpls", [.. options, native, compressed]);

            var (pixelData, ours) = Dcmtk.ReadFrames(compressed);
            var (_, dcmtk) = Dcmtk.Decompress("dcmdjpls", compressed);

            Assert.True(pixelData.IsEncapsulated);
            JpegCodecTests.AssertFramesClose(dcmtk, ours, 0);
            if (mode != "+en")
            {
                JpegCodecTests.AssertFramesClose(originalFrames, ours, 0);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
