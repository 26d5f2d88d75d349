using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

public sealed class JpegEncoderTests
{
    /// <summary>
    /// Our JPEG decoded by DCMTK's IJG 6b (dcmdjpeg), by GDCM (gdcmconv --raw) and by libjpeg-turbo (ours): with libjpeg-turbo
    /// 2.1.5 all three agree byte for byte (accurate integer IDCT, fancy upsampling); other builds may round differently.
    /// </summary>
    private const int DecoderTolerance = 0;

    public static TheoryData<string, JpegChromaSubsampling> Inputs() => new()
    {
        { "SC_rgb_jpeg_dcmd.dcm", JpegChromaSubsampling.Horizontal },
        { "SC_rgb_jpeg_dcmd.dcm", JpegChromaSubsampling.None },
        { "SC_rgb_rle_2frame.dcm", JpegChromaSubsampling.Horizontal },
        { "SC_rgb_small_odd.dcm", JpegChromaSubsampling.Horizontal },
        { "grey8", JpegChromaSubsampling.Horizontal },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Encode_Baseline_DcmdjpegAndGdcmconvDecodeAsWeDo(string name, JpegChromaSubsampling subsampling)
    {
        var (pixelData, original) = Dcmtk.ReadFrames(EncodeInputs.Open(name));
        var codec = new JpegCodec(DicomTransferSyntax.JPEGBaseline8Bit, quality: 90, subsampling);
        var file = RleCodecTests.Encapsulate(pixelData, [.. original.Select(frame => codec.Encode(pixelData, frame))], DicomTransferSyntax.JPEGBaseline8Bit);
        if (pixelData.SamplesPerPixel == 3)
        {
            file.Dataset.Set(DicomTag.PhotometricInterpretation, subsampling == JpegChromaSubsampling.None ? "YBR_FULL" : "YBR_FULL_422");
        }
        var folder = Dcmtk.TempFolder();
        try
        {
            var path = Path.Combine(folder, "ours.dcm");
            file.Save(path);

            var (ourPixelData, ours) = Dcmtk.ReadFrames(path);
            var (dcmtkPixelData, dcmtk) = Dcmtk.Decompress("dcmdjpeg", path);

            Assert.Equal(dcmtkPixelData.PhotometricInterpretation, ourPixelData.FramePhotometricInterpretation);
            JpegCodecTests.AssertFramesClose(dcmtk, ours, DecoderTolerance);
            // GDCM leaves YCbCr unconverted (YBR_FULL): our renderer converts it (C.7.6.3.1.2).
            var (gdcmPixelData, gdcm) = Dcmtk.Decompress("gdcmconv", path, "--raw");
            JpegCodecTests.AssertFramesClose([.. gdcm.Select(frame => DicomRenderer.Render(gdcmPixelData, frame).Pixels)], ours, DecoderTolerance);
            JpegCodecTests.AssertFramesClose(original, ours, 48); // lossy, but the image: see docs/imaging.md for the figures
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Encode_16BitFrame_ThrowsNamingBitsAllocated()
    {
        var (pixelData, frames) = Dcmtk.ReadFrames(Dcmtk.CorpusFile("CT_small.dcm"));

        var error = Assert.Throws<NotSupportedException>(() => new JpegCodec(DicomTransferSyntax.JPEGBaseline8Bit).Encode(pixelData, frames[0]));

        Assert.Contains("Bits Allocated 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_RenderedImage_DecodesToItsSize()
    {
        var image = new RenderedImage(33, 17, 3, [.. Enumerable.Range(0, 33 * 17 * 3).Select(i => (byte)(i * 7))]);

        var jpeg = JpegEncoder.Encode(image, quality: 75, JpegChromaSubsampling.HorizontalAndVertical);

        Assert.Equal([0xFF, 0xD8], jpeg[..2]);
        Assert.Equal([0xFF, 0xD9], jpeg[^2..]);
        Assert.Equal(8, JpegCodec.Precision(jpeg));
    }
}
