using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Codecs.Native;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

/// <summary>
/// Our DCT decoder on 8-bit baseline files too (the codec uses it for 12-bit only): with IJG 6b's islow IDCT and colour
/// tables it gives dcmdjpeg's bytes exactly, grey and colour, YCbCr converted or not, odd sizes included.
/// </summary>
public sealed class JpegDctDecoderTests
{
    [Theory]
    [InlineData("SC_jpeg_no_color_transform.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cr.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+s4.dcm")]
    [InlineData("SC_rgb_jpeg_app14_dcmd.dcm")]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")]
    [InlineData("SC_rgb_small_odd_jpeg.dcm")]
    public void Decode_Corpus8BitFile_EqualsDcmdjpeg(string name)
    {
        var pixelData = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile(name)));
        var (_, dcmtk) = Dcmtk.Decompress("dcmdjpeg", Dcmtk.CorpusFile(name));

        JpegCodecTests.AssertFramesClose(dcmtk, [Decode(pixelData)], 0);
    }

    [Fact]
    public void Decode_SubsampledColour_ThrowsDicomDataException()
    {
        var pixelData = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile("SC_rgb_dcmtk_+eb+cy+s2.dcm")));

        var error = Assert.Throws<DicomDataException>(() => Decode(pixelData));

        Assert.Contains("subsampled", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Decode(DicomPixelData pixelData)
    {
        var image = JpegDctDecoder.Decode(pixelData.GetEncodedFrame(0).Span, pixelData.PhotometricInterpretation.StartsWith("YBR", StringComparison.Ordinal), 1 << 24);
        var frame = new byte[pixelData.FrameLength];
        NativeFrame.Store(pixelData, MemoryMarshal.AsBytes(image.Samples.AsSpan()), 2, interleaved: true, frame);
        return frame;
    }
}
