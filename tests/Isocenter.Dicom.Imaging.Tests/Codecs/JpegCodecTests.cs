using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

public sealed class JpegCodecTests
{
    /// <summary>
    /// Lossy JPEG: libjpeg-turbo and DCMTK's IJG 6b could round the IDCT and upsampling differently. With libjpeg-turbo
    /// 2.1.5 (accurate integer IDCT, fancy upsampling: the TurboJPEG defaults) every frame here is byte for byte dcmdjpeg's.
    /// </summary>
    internal const int Tolerance = 2;

    [Theory]
    [InlineData("SC_jpeg_no_color_transform.dcm")]
    [InlineData("SC_jpeg_no_color_transform_2.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cr.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+n1.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+n2.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+np.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+s2.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+s4.dcm")]
    [InlineData("SC_rgb_jpeg_app14_dcmd.dcm")]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")]
    [InlineData("SC_rgb_small_odd_jpeg.dcm")]
    public void Decode_CorpusBaselineFile_MatchesDcmdjpeg(string name)
    {
        var (pixelData, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var (dcmtkPixelData, dcmtk) = Dcmtk.Decompress("dcmdjpeg", Dcmtk.CorpusFile(name));

        Assert.Equal(dcmtkPixelData.PhotometricInterpretation, pixelData.FramePhotometricInterpretation);
        AssertFramesClose(dcmtk, ours, Tolerance);
    }

    /// <summary>
    /// GDCM wrote subsampled YCbCr labelled RGB: libturbojpeg cannot upsample without converting, so we convert, which is
    /// what <c>dcmdjpeg +cg</c> (convert when the library guesses YCbCr) does; plain <c>dcmdjpeg</c> leaves YCbCr in an RGB file.
    /// </summary>
    [Fact]
    public void Decode_SubsampledYCbCrLabelledRgb_MatchesDcmdjpegConvGuess()
    {
        var name = Dcmtk.CorpusFile("SC_rgb_jpeg_lossy_gdcm.dcm");
        var (_, ours) = Dcmtk.ReadFrames(name);
        var (_, dcmtk) = Dcmtk.Decompress("dcmdjpeg", name, "+cg");

        AssertFramesClose(dcmtk, ours, Tolerance);
    }

    /// <summary>SC_rgb_jpeg.dcm says Explicit VR but is Implicit VR: DCMTK cannot read it (pydicom and we can), GDCM can.</summary>
    [Fact]
    public void Decode_ImplicitVRFileLabelledExplicit_MatchesGdcmconvRaw()
    {
        var name = Dcmtk.CorpusFile("SC_rgb_jpeg.dcm");
        var (pixelData, ours) = Dcmtk.ReadFrames(name);
        var (gdcmPixelData, gdcm) = Dcmtk.Decompress("gdcmconv", name, "--raw");

        Assert.Equal(gdcmPixelData.PhotometricInterpretation, pixelData.FramePhotometricInterpretation);
        AssertFramesClose(gdcm, ours, Tolerance);
    }

    [Fact]
    public void Decode_GreyBaseline_MatchesDcmdjpeg()
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var jpeg = Path.Combine(folder, "ct.jpg");
            var compressed = Path.Combine(folder, "ct.dcm");
            Dcmtk.Run("dcmj2pnm", "+oj", Dcmtk.CorpusFile("CT_small.dcm"), jpeg);
            Dcmtk.Run("img2dcm", jpeg, compressed);

            var (pixelData, ours) = Dcmtk.ReadFrames(compressed);
            var (_, dcmtk) = Dcmtk.Decompress("dcmdjpeg", compressed);

            Assert.Equal(DicomTransferSyntax.JPEGBaseline8Bit.Uid, pixelData.TransferSyntax.Uid);
            Assert.Equal("MONOCHROME2", pixelData.FramePhotometricInterpretation);
            AssertFramesClose(dcmtk, ours, Tolerance);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("SC_rgb_small_odd.dcm")]
    [InlineData("SC_rgb_rle_2frame.dcm")]
    public void Decode_DcmcjpegBaselineOutput_MatchesDcmdjpeg(string name)
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var native = Path.Combine(folder, "native.dcm");
            var compressed = Path.Combine(folder, "compressed.dcm");
            var encapsulated = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile(name))).IsEncapsulated;
            Dcmtk.Run(encapsulated ? "dcmdrle" : "dcmconv", Dcmtk.CorpusFile(name), native);
            Dcmtk.Run("dcmcjpeg", "+eb", native, compressed);

            var (pixelData, ours) = Dcmtk.ReadFrames(compressed);
            var (_, dcmtk) = Dcmtk.Decompress("dcmdjpeg", compressed);

            Assert.True(pixelData.IsEncapsulated);
            AssertFramesClose(dcmtk, ours, Tolerance);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>12-bit Extended (process 4): libturbojpeg 2.1 cannot, our C# decoder replicates IJG 6b, so byte for byte.</summary>
    [Theory]
    [InlineData("JPGExtended.dcm")]
    [InlineData("JPEG-lossy.dcm")]
    public void Decode_12BitExtended_EqualsDcmdjpeg(string name)
    {
        var (pixelData, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var (_, dcmtk) = Dcmtk.Decompress("dcmdjpeg", Dcmtk.CorpusFile(name));

        Assert.Equal(12, JpegCodec.Precision(pixelData.GetEncodedFrame(0).Span));
        AssertFramesClose(dcmtk, ours, 0);
    }

    internal static void AssertFramesClose(byte[][] expected, byte[][] actual, int tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            var worst = 0;
            var at = -1;
            for (var b = 0; b < expected[i].Length; b++)
            {
                var difference = Math.Abs(expected[i][b] - actual[i][b]);
                if (difference > worst)
                {
                    (worst, at) = (difference, b);
                }
            }
            Assert.True(worst <= tolerance, $"frame {i + 1} differs by {worst} at byte {at}");
        }
    }
}
