using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Rendering;
using Isocenter.Dicom.Imaging.Transcoding;

namespace Isocenter.Dicom.Imaging.Tests.Transcoding;

/// <summary>
/// "Files we encode decode identically in DCMTK and GDCM": each encoder's output, from 16-bit signed CT (CT_small, MR_small,
/// 12-bit signed 2 frames like isocenter demo's), 8-bit RGB (also odd-sized and with Planar Configuration 1), 16-bit RGB (2 frames) and 8-bit grey, is decoded by
/// DCMTK (dcmdrle, dcmdjpeg, dcmdjpls; DCMTK 3.6.7 has no JPEG 2000) and GDCM (gdcmconv --raw). Samples are compared as
/// stored values (Bits Stored, sign-extended), pixel by pixel whatever the Planar Configuration.
/// </summary>
public sealed class DicomTranscoderTests
{
    private const string JpegLS = "1.2.840.10008.1.2.4.80", JpegLSNear = "1.2.840.10008.1.2.4.81", J2KLossless = "1.2.840.10008.1.2.4.90",
        J2K = "1.2.840.10008.1.2.4.91", Rle = "1.2.840.10008.1.2.5", JpegLossless = "1.2.840.10008.1.2.4.70", Baseline = "1.2.840.10008.1.2.4.50";

    private static readonly string[] Inputs = ["ct12x2", "CT_small.dcm", "MR_small.dcm", "SC_rgb_jpeg_dcmd.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_rle_16bit_2frame.dcm", "grey8", "rgb-planar1"];
    private static readonly string[] UnsignedInputs = ["SC_rgb_jpeg_dcmd.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_rle_16bit_2frame.dcm", "grey8", "rgb-planar1"];
    private static readonly string[] EightBitInputs = ["SC_rgb_jpeg_dcmd.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_rle_2frame.dcm", "grey8", "rgb-planar1"];

    /// <summary>The pixel-related attributes transcoding may change; everything else must survive a round trip.</summary>
    private static readonly DicomTag[] PixelAttributes =
    [
        DicomTag.PhotometricInterpretation, DicomTag.PlanarConfiguration, DicomTag.PixelData, DicomTag.LossyImageCompression,
        DicomTag.LossyImageCompressionRatio, DicomTag.LossyImageCompressionMethod,
    ];

    /// <summary>What lossy output changes besides, as dcmcjpeg does: a new instance derived from its predecessor.</summary>
    private static readonly DicomTag[] LossyAttributes =
    [
        DicomTag.SOPInstanceUID, DicomTag.ImageType, DicomTag.SourceImageSequence, DicomTag.DerivationDescription, DicomTag.DerivationCodeSequence,
    ];

    public static TheoryData<string, string> LosslessCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var input in Inputs)
        {
            foreach (var ts in new[] { Rle, JpegLossless, JpegLS, J2KLossless })
            {
                cases.Add(input, ts);
            }
        }
        return cases;
    }

    public static TheoryData<string, string> LossyCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var input in Inputs)
        {
            cases.Add(input, J2K);
        }
        foreach (var input in UnsignedInputs)
        {
            cases.Add(input, JpegLSNear);
        }
        foreach (var input in EightBitInputs)
        {
            cases.Add(input, Baseline);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(LosslessCases))]
    public void Transcode_LosslessSyntax_DcmtkGdcmAndWeDecodeToOriginal(string input, string ts)
    {
        var file = EncodeInputs.Open(input);
        var original = Dcmtk.ReadFrames(file);
        var folder = Dcmtk.TempFolder();
        try
        {
            var path = Path.Combine(folder, "ours.dcm");
            Transcoder().Transcode(file, DicomTransferSyntax.Parse(ts)).Save(path);

            AssertSamplesEqual(original, Dcmtk.ReadFrames(path), "ours", tolerance: 0);
            foreach (var (tool, options) in Peers(ts))
            {
                AssertSamplesEqual(original, Dcmtk.Decompress(tool, path, options), tool, tolerance: 0);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Lossy output: DCMTK and GDCM decode it to exactly our samples (libjpeg-turbo 2.1.5 / IJG 6b, CharLS 2.4 / DCMTK's CharLS,
    /// OpenJPEG 2.5 in both); JPEG-LS near-lossless stays within NEAR (2) of the original, JPEG and JPEG 2000 within the bounds
    /// measured in docs/imaging.md.
    /// </summary>
    [Theory]
    [MemberData(nameof(LossyCases))]
    public void Transcode_LossySyntax_DcmtkAndGdcmDecodeAsWeDo(string input, string ts)
    {
        var file = EncodeInputs.Open(input);
        var original = Dcmtk.ReadFrames(file);
        var folder = Dcmtk.TempFolder();
        try
        {
            var path = Path.Combine(folder, "ours.dcm");
            var transcoded = Transcoder().Transcode(file, DicomTransferSyntax.Parse(ts));
            transcoded.Save(path);

            var ours = Dcmtk.ReadFrames(path);
            foreach (var (tool, options) in Peers(ts))
            {
                AssertSamplesEqual(ours, Dcmtk.Decompress(tool, path, options), tool, tolerance: 0);
            }
            AssertSamplesEqual(original, ours, "ours against the original", LossyTolerance(ts, original.PixelData));
            Assert.Equal("01", transcoded.Dataset.GetString(DicomTag.LossyImageCompression));
            Assert.NotEqual(file.Dataset.GetString(DicomTag.SOPInstanceUID), transcoded.Dataset.GetString(DicomTag.SOPInstanceUID));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string, string> RoundTripCases() => new()
    {
        { "ct12x2", Rle }, { "ct12x2", JpegLossless }, { "ct12x2", JpegLS }, { "ct12x2", J2KLossless }, { "ct12x2", J2K },
        { "SC_rgb_jpeg_dcmd.dcm", J2KLossless }, { "SC_rgb_jpeg_dcmd.dcm", JpegLS }, { "SC_rgb_jpeg_dcmd.dcm", Baseline }, { "SC_rgb_rle_2frame.dcm", Rle },
        { "grey8", Baseline }, { "grey8", JpegLSNear },
    };

    /// <summary>
    /// compressed → Explicit VR Little Endian → compressed → Explicit VR Little Endian keeps the pixels (lossless; lossy: the
    /// second pass decodes as the first) and every attribute but <see cref="PixelAttributes"/> (and, lossy, <see cref="LossyAttributes"/>),
    /// compared as dcmdump prints them; dcmdump and gdcmdump read every file without a warning.
    /// </summary>
    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void Transcode_RoundTripThroughExplicit_KeepsPixelsAndAttributes(string input, string ts)
    {
        var syntax = DicomTransferSyntax.Parse(ts);
        var transcoder = Transcoder();
        var folder = Dcmtk.TempFolder();
        try
        {
            var original = EncodeInputs.Open(input);
            var compressed = transcoder.Transcode(original, syntax);
            var explicit1 = transcoder.Transcode(compressed, DicomTransferSyntax.ExplicitVRLittleEndian);
            var compressed2 = transcoder.Transcode(explicit1, syntax);
            var explicit2 = transcoder.Transcode(compressed2, DicomTransferSyntax.ExplicitVRLittleEndian);
            var paths = new[] { original, compressed, explicit1, compressed2, explicit2 }.Select((file, i) =>
            {
                var path = Path.Combine(folder, $"{i}.dcm");
                file.Save(path);
                return path;
            }).ToArray();

            foreach (var path in paths[1..])
            {
                var (_, dcmdumpErrors) = Dcmtk.Run("dcmdump", "-q", path);
                var (_, gdcmdumpErrors) = Dcmtk.Run("gdcmdump", path);
                Assert.True(dcmdumpErrors.Length == 0 && gdcmdumpErrors.Length == 0, $"{Path.GetFileName(path)}: {dcmdumpErrors}{gdcmdumpErrors}");
            }
            var first = Dcmtk.ReadFrames(paths[2]);
            AssertSamplesEqual(syntax.IsLossy ? first : Dcmtk.ReadFrames(original), Dcmtk.ReadFrames(paths[4]), "round trip",
                syntax.IsLossy ? LossyTolerance(ts, first.PixelData) : 0);
            // YBR_FULL_422 (JPEG) and YBR_RCT/YBR_ICT (JPEG 2000) come back RGB, as dcmdjpeg and gdcmconv --raw write them.
            Assert.Equal(original.Dataset.GetString(DicomTag.PhotometricInterpretation), explicit2.Dataset.GetString(DicomTag.PhotometricInterpretation));
            if (syntax.IsLossy)
            {
                Assert.Equal(2, explicit2.Dataset.GetStrings(DicomTag.LossyImageCompressionRatio).Length); // one per lossy pass, C.7.6.1.1.5
                Assert.Equal(compressed.Dataset.GetString(DicomTag.SOPInstanceUID), compressed2.Dataset.GetSequence(DicomTag.SourceImageSequence)!
                    .Items[0].GetString(DicomTag.ReferencedSOPInstanceUID));
            }
            var ignored = syntax.IsLossy ? [.. PixelAttributes, .. LossyAttributes] : PixelAttributes;
            Assert.Equal(Dump(paths[0], ignored, folder), Dump(paths[4], ignored, folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Transcode_16BitToJpegBaseline_ThrowsInsteadOfDroppingBits()
    {
        var error = Assert.Throws<NotSupportedException>(() => Transcoder().Transcode(EncodeInputs.Ct12Signed(), DicomTransferSyntax.JPEGBaseline8Bit));

        Assert.Contains("Bits above 8 are not dropped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transcode_SignedToJpegLSNearLossless_Throws()
    {
        var error = Assert.Throws<NotSupportedException>(() => Transcoder().Transcode(EncodeInputs.Ct12Signed(), DicomTransferSyntax.JPEGLSNearLossless));

        Assert.Contains("signed samples is refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transcode_ToJpegLS_OneFragmentPerFrameWithBasicOffsetTable()
    {
        var file = Transcoder().Transcode(EncodeInputs.Ct12Signed(), DicomTransferSyntax.JPEGLSLossless);

        var fragments = Assert.IsType<DicomFragmentSequence>(file.Dataset[DicomTag.PixelData]);
        Assert.Equal(2, fragments.Fragments.Count);
        Assert.Equal([0u, 8u + (uint)fragments.Fragments[0].Length], fragments.Offsets);
        Assert.All(fragments.Fragments, f => Assert.Equal(0, f.Length % 2));
        Assert.Equal(DicomTransferSyntax.JPEGLSLossless, file.TransferSyntax);
    }

    [Theory]
    [InlineData(JpegLS, 0)]
    [InlineData(J2KLossless, 0)]
    [InlineData(Baseline, 0)]
    [InlineData(Rle, 1)]
    public void Transcode_PlanarConfiguration1Rgb_PlanarConfigurationAsPs35Says(string ts, int planarConfiguration)
    {
        var file = Transcoder().Transcode(EncodeInputs.RgbPlanar1(), DicomTransferSyntax.Parse(ts));

        Assert.Equal(planarConfiguration, file.Dataset.GetValue<ushort>(DicomTag.PlanarConfiguration));
    }

    private static DicomTranscoder Transcoder() => new(DicomCodecRegistry.CreateDefault());

    /// <summary>JPEG-LS near-lossless: NEAR (2); JPEG and JPEG 2000: an eighth of the sample range, a sanity bound (measured errors in docs/imaging.md).</summary>
    private static int LossyTolerance(string ts, DicomPixelData pixelData) => ts == JpegLSNear ? 2 : (1 << pixelData.BitsStored) / 8;

    /// <summary>
    /// The peers that decode <paramref name="ts"/>. GDCM decodes multi-byte RGB RLE wrongly (see RleCodecTests), so it does
    /// not check RLE; DCMTK 3.6.7 has no JPEG 2000.
    /// </summary>
    private static IEnumerable<(string Tool, string[] Options)> Peers(string ts)
    {
        var dcmtk = ts switch
        {
            Rle => "dcmdrle",
            JpegLossless or Baseline => "dcmdjpeg",
            JpegLS or JpegLSNear => "dcmdjpls",
            _ => null,
        };
        if (dcmtk is not null)
        {
            yield return (dcmtk, []);
        }
        if (ts != Rle)
        {
            yield return ("gdcmconv", ["--raw"]);
        }
    }

    /// <summary>Every sample, pixel by pixel, as stored values; GDCM's unconverted YBR_FULL (from JPEG) is converted to RGB first.</summary>
    private static int[] Samples(DicomPixelData pixelData, byte[] frame)
    {
        if (pixelData.FramePhotometricInterpretation == "YBR_FULL")
        {
            return [.. DicomRenderer.Render(pixelData, frame).Pixels.Select(b => (int)b)];
        }
        var components = pixelData.SamplesPerPixel;
        var pixels = pixelData.Rows * pixelData.Columns;
        var samples = new int[pixels * components];
        for (var p = 0; p < pixels; p++)
        {
            for (var c = 0; c < components; c++)
            {
                samples[p * components + c] = pixelData.ReadSample(frame, pixelData.PlanarConfiguration == 1 ? c * pixels + p : p * components + c);
            }
        }
        return samples;
    }

    private static void AssertSamplesEqual((DicomPixelData PixelData, byte[][] Frames) expected, (DicomPixelData PixelData, byte[][] Frames) actual, string who, int tolerance)
    {
        Assert.Equal(expected.Frames.Length, actual.Frames.Length);
        for (var f = 0; f < expected.Frames.Length; f++)
        {
            var a = Samples(expected.PixelData, expected.Frames[f]);
            var b = Samples(actual.PixelData, actual.Frames[f]);
            Assert.Equal(a.Length, b.Length);
            var worst = Enumerable.Range(0, a.Length).Max(i => Math.Abs(a[i] - b[i]));
            Assert.True(worst <= tolerance, $"{who}: frame {f + 1} differs by up to {worst} (tolerance {tolerance})");
        }
    }

    /// <summary>
    /// dcmdump's lines for the dataset of <paramref name="path"/> without <paramref name="ignored"/> (removed before dumping;
    /// SOP Instance UID, which a file needs, replaced by a placeholder).
    /// </summary>
    private static string[] Dump(string path, DicomTag[] ignored, string folder)
    {
        var file = DicomFile.Open(path);
        foreach (var tag in ignored)
        {
            file.Dataset.Remove(tag);
        }
        if (!file.Dataset.Contains(DicomTag.SOPInstanceUID))
        {
            file.Dataset.Set(DicomTag.SOPInstanceUID, "1.2.3");
        }
        var stripped = Path.Combine(folder, "stripped.dcm");
        new DicomFile(file.Dataset).Save(stripped);
        var (output, _) = Dcmtk.Run("dcmdump", "-q", stripped);
        string[] lines = [.. output.Split('\n').Select(line => line.TrimStart()).Where(line => line.StartsWith('(') && !line.StartsWith("(0002,", StringComparison.Ordinal))];
        Assert.True(lines.Length > 20, $"dcmdump printed {lines.Length} dataset lines");
        return lines;
    }
}
