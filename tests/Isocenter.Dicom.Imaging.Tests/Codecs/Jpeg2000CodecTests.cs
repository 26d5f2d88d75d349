using Isocenter.Dicom.Imaging.Codecs.Jpeg2000;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

public sealed class Jpeg2000CodecTests
{
    [Theory]
    [InlineData("MR_small_jp2klossless.dcm")]
    [InlineData("JPEG2000.dcm")]
    [InlineData("693_J2KI.dcm")]
    [InlineData("J2K_pixelrep_mismatch.dcm")]
    [InlineData("GDCMJ2K_TextGBR.dcm")]
    [InlineData("SC_rgb_gdcm_KY.dcm")]
    public void Decode_CorpusFile_EqualsGdcmconvRaw(string name)
    {
        var (pixelData, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile(name));
        var (gdcmPixelData, gdcm) = Dcmtk.Decompress("gdcmconv", Dcmtk.CorpusFile(name), "--raw");

        Assert.Equal(gdcmPixelData.PhotometricInterpretation, pixelData.FramePhotometricInterpretation);
        JpegCodecTests.AssertFramesClose(gdcm, ours, 0);
    }

    [Fact]
    public void Decode_LosslessCorpusFile_EqualsOriginal()
    {
        var (_, ours) = Dcmtk.ReadFrames(Dcmtk.CorpusFile("MR_small_jp2klossless.dcm"));
        var (_, original) = Dcmtk.ReadFrames(Dcmtk.CorpusFile("MR_small.dcm"));

        JpegCodecTests.AssertFramesClose(original, ours, 0);
    }

    [Fact]
    public void Decode_Truncated_ThrowsDicomDataException()
    {
        var pixelData = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile("MR_small_jp2klossless.dcm")));
        var encoded = pixelData.GetEncodedFrame(0).ToArray();
        var frame = new byte[pixelData.FrameLength];
        var codec = new Jpeg2000Codec(DicomTransferSyntax.JPEG2000Lossless);

        Assert.Throws<DicomDataException>(() => codec.Decode(pixelData, encoded.AsSpan(0, 100), frame));
    }
}
