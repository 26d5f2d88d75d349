using Isocenter.Dicom.Imaging.Codecs;
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

    /// <summary>
    /// HTJ2K (…4.201): OpenJPH's <c>ojph_compress</c> (Debian openjph-tools) codes a corpus frame reversibly, grey 16-bit
    /// signed as raw samples, RGB (100×100; OpenJPH 0.9's own decoder gets a 3×3 RGB image wrong) through PPM with its colour
    /// transform (labelled YBR_RCT); we decode the codestream through OpenJPEG to what <c>ojph_expand</c> writes, which is the original.
    /// </summary>
    [Theory]
    [InlineData("CT_small.dcm", "MONOCHROME2")]
    [InlineData("SC_rgb_rle.dcm", "YBR_RCT")]
    public void Decode_OpenJphCodestream_EqualsOjphExpandAndOriginal(string name, string photometric)
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var file = DicomFile.Open(Dcmtk.CorpusFile(name));
            var original = DicomPixelData.Create(file);
            var native = DicomCodecRegistry.CreateDefault().GetFrame(original, 0);
            var grey = original.SamplesPerPixel == 1;
            var input = Path.Combine(folder, grey ? "in.yuv" : "in.ppm");
            var codestream = Path.Combine(folder, "out.j2c");
            var expanded = Path.Combine(folder, grey ? "out.yuv" : "out.ppm");
            var header = System.Text.Encoding.ASCII.GetBytes($"P6\n{original.Columns} {original.Rows}\n255\n");
            File.WriteAllBytes(input, grey ? native : [.. header, .. native]);
            string[] raw = ["-dims", $"{{{original.Columns},{original.Rows}}}", "-num_comps", "1", "-signed", "true", "-bit_depth", "16", "-downsamp", "{1,1}"];
            Dcmtk.Run("ojph_compress", ["-i", input, "-o", codestream, "-reversible", "true", .. grey ? raw : []]);
            Dcmtk.Run("ojph_expand", "-i", codestream, "-o", expanded);
            file.Dataset.Add(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, DicomBuffer.Empty, DicomBuffer.FromBytes(File.ReadAllBytes(codestream))));
            file.Dataset.Set(DicomTag.PhotometricInterpretation, photometric);
            var encapsulated = Path.Combine(folder, "htj2k.dcm");
            new DicomFile(file.Dataset, DicomTransferSyntax.HTJ2KLossless).Save(encapsulated);

            var (pixelData, ours) = Dcmtk.ReadFrames(encapsulated);

            Assert.Equal(DicomTransferSyntax.HTJ2KLossless.Uid, pixelData.TransferSyntax.Uid);
            Assert.Equal(original.PhotometricInterpretation, pixelData.FramePhotometricInterpretation);
            Assert.Equal(File.ReadAllBytes(expanded)[(grey ? 0 : header.Length)..], ours[0]);
            Assert.Equal(native, ours[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// pydicom issue 1140's file: JPEG2000.dcm with 4 codestream bytes (SIZ's Rsiz and the top of Xsiz) overwritten by a
    /// Sequence Delimitation Item tag. The fragment is read whole (the tag inside does not end the sequence) and is the
    /// original codestream but for those bytes; the codestream itself is corrupt (a width of 3.7 × 10⁹), so OpenJPEG refuses
    /// its header, as <c>gdcmconv --raw</c> and pydicom refuse it: a <see cref="DicomDataException"/>, nothing to repair.
    /// </summary>
    [Fact]
    public void Decode_EmbeddedSequenceDelimiter_ReadsFragmentWholeAndThrowsLikeGdcm()
    {
        var pixelData = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile("JPEG2000-embedded-sequence-delimiter.dcm")));
        var original = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile("JPEG2000.dcm"))).GetEncodedFrame(0).ToArray();
        var encoded = pixelData.GetEncodedFrame(0).ToArray();

        Assert.Equal(original.Length, encoded.Length);
        Assert.Equal([0xFE, 0xFF, 0xDD, 0xE0], encoded[6..10]);
        Assert.Equal(original[..6], encoded[..6]);
        Assert.Equal(original[10..], encoded[10..]);
        Assert.Throws<DicomDataException>(() => new Jpeg2000Codec(DicomTransferSyntax.JPEG2000).Decode(pixelData, encoded, new byte[pixelData.FrameLength]));
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
