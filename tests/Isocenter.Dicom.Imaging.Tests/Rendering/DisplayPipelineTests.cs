using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Png;
using Isocenter.Dicom.Imaging.Rendering;
using Isocenter.Dicom.Imaging.Tests.Codecs;
using Isocenter.Dicom.Imaging.Tests.Png;
using static Isocenter.Dicom.Imaging.Tests.Rendering.DicomRendererTests;

namespace Isocenter.Dicom.Imaging.Tests.Rendering;

/// <summary>Rendering at a requested size, the Presentation LUT Sequence, YBR_PARTIAL_422 and JPEG 2000 YBR_RCT, against DCMTK and GDCM.</summary>
public sealed class DisplayPipelineTests
{
    [Theory]
    [InlineData("CT_small.dcm", 64)] // 128 → 64: whole pixels
    [InlineData("CT_small.dcm", 100)] // 128 → 100: fractional coverage
    [InlineData("MR_small.dcm", 40)]
    [InlineData("SC_rgb_rle.dcm", 64)] // colour: averaged on RGB
    public void Render_Smaller_WithinOneLevelOfDcmj2pnmAreaReduction(string name, int size)
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile(name));
        var window = file.Dataset.Contains(DicomTag.WindowCenter) || name.StartsWith("CT", StringComparison.Ordinal) ? new VoiWindow(40, 400) : null;
        string[] windowOptions = window is null ? [] : ["+Ww", "40", "400"];

        var ours = RenderSized(file, window, size, size);

        // +i 2: DCMTK's c't reduction, an exact area average, on modality values before the VOI as ours.
        AssertWithinOneLevel(Dcmj2pnmOf(file, [.. windowOptions, "+Sxv", $"{size}", "+i", "2"]), ours);
    }

    [Theory]
    [InlineData("CT_small.dcm", 64, 64, "CT_small_w40_400_64x64.png")]
    [InlineData("SC_rgb_rle.dcm", 64, 64, "SC_rgb_rle_64x64.png")]
    [InlineData("MR_small.dcm", 200, 200, "MR_small_200x200.png")] // enlarged: bilinear, the dataset's window
    public void Render_Sized_EqualsReviewedFixture(string name, int width, int height, string fixture)
    {
        // Fixtures written by `isocenter render --size` and looked at by eye; any change to resampling shows up here.
        var file = DicomFile.Open(Dcmtk.CorpusFile(name));
        var window = name.StartsWith("CT", StringComparison.Ordinal) ? new VoiWindow(40, 400) : null;

        var ours = RenderSized(file, window, width, height);

        var expected = PngReader.Read(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Rendering", fixture)));
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (ours.Width, ours.Height, ours.Channels));
        Assert.Equal(expected.Pixels, ours.Pixels);
    }

    [Fact]
    public void Render_NonSquarePixels_ShownSquareLikeDcmj2pnm()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("CT_small.dcm"));
        file.Dataset.Set(DicomTag.PixelSpacing, "0.5", "1"); // rows 0.5 mm apart, columns 1 mm: half as tall as wide

        var ours = RenderSized(file, new VoiWindow(40, 400), 128, 128);

        Assert.Equal((128, 64), (ours.Width, ours.Height));
        AssertWithinOneLevel(Dcmj2pnmOf(file, "+Ww", "40", "400", "+Sxv", "128", "+i", "2"), ours);
    }

    [Theory]
    [InlineData(512, 512, 200, 100, 100, 100)]
    [InlineData(512, 256, 100, 100, 100, 50)]
    [InlineData(256, 512, 100, 100, 50, 100)]
    public void FitSize_Box_KeepsAspect(int columns, int rows, int maxWidth, int maxHeight, int width, int height)
    {
        var dataset = RleCodecTests.Image(rows, columns, bitsAllocated: 8);

        Assert.Equal((width, height), DicomRenderer.FitSize(DicomPixelData.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian), maxWidth, maxHeight));
    }

    [Fact]
    public void Render_Larger_BilinearBetweenPixelCentres()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("CT_small.dcm"));
        var small = RenderSized(file, new VoiWindow(40, 400), 32, 32);

        var large = RenderSized(file, new VoiWindow(40, 400), 256, 256);

        Assert.Equal((256, 256), (large.Width, large.Height));
        // Every 2×2 block of the enlargement averages to about the native pixel it came from.
        var native = Render(file, new VoiWindow(40, 400));
        var worst = 0;
        for (var y = 1; y < 127; y++)
        {
            for (var x = 1; x < 127; x++)
            {
                var block = (large.Pixels[2 * y * 256 + 2 * x] + large.Pixels[2 * y * 256 + 2 * x + 1] + large.Pixels[(2 * y + 1) * 256 + 2 * x] + large.Pixels[(2 * y + 1) * 256 + 2 * x + 1]) / 4.0;
                worst = Math.Max(worst, (int)Math.Abs(block - native.Pixels[y * 128 + x]));
            }
        }
        Assert.InRange(worst, 0, 40);
        Assert.Equal((32, 32), (small.Width, small.Height));
    }

    [Fact]
    public void Render_PresentationLutSequence_WithinOneLevelOfDcmp2pgm()
    {
        // A square-root curve over 4096 entries of 12 bits (C.11.6: the input range spans the VOI output).
        var lut = Enumerable.Range(0, 4096).Select(i => (ushort)Math.Round(Math.Sqrt(i / 4095.0) * 4095)).ToArray();
        var item = new DicomDataset().Set<ushort>(DicomTag.LUTDescriptor, DicomVR.US, 4096, 0, 12).Set<ushort>(DicomTag.LUTData, DicomVR.OW, lut);
        var file = DicomFile.Open(Dcmtk.CorpusFile("CT_small.dcm"));
        file.Dataset.Set(DicomTag.PresentationLUTSequence, item);

        var ours = Render(file, new VoiWindow(40, 400));

        // dcmj2pnm ignores an image's Presentation LUT Sequence; DCMTK applies one from a presentation state (dcmpsmk, dcmp2pgm).
        var folder = Dcmtk.TempFolder();
        try
        {
            var image = Path.Combine(folder, "image.dcm");
            var state = Path.Combine(folder, "state.dcm");
            var output = Path.Combine(folder, "out.pgm");
            File.Copy(Dcmtk.CorpusFile("CT_small.dcm"), image);
            Dcmtk.Run("dcmpsmk", image, state);
            var presentationState = DicomFile.Open(state);
            presentationState.Dataset.Remove(DicomTag.PresentationLUTShape);
            presentationState.Dataset.Set(DicomTag.PresentationLUTSequence, item);
            presentationState.Dataset.Set(DicomTag.SoftcopyVOILUTSequence, new DicomDataset().Set(DicomTag.WindowCenter, "40").Set(DicomTag.WindowWidth, "400"));
            presentationState.Save(state);
            Dcmtk.Run("dcmp2pgm", "-p", state, image, output);
            AssertWithinOneLevel(ReadPgm(File.ReadAllBytes(output)), ours);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        Assert.NotEqual(Render(Dcmtk.CorpusFile("CT_small.dcm"), new VoiWindow(40, 400)).Pixels, ours.Pixels);
    }

    [Fact]
    public void Render_YbrPartial422_WithinTwoLevelsOfDcmj2pnm()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("SC_ybr_full_422_uncompressed.dcm"));
        file.Dataset.Set(DicomTag.PhotometricInterpretation, "YBR_PARTIAL_422");

        var ours = Render(file, window: null);
        var dcmtk = Dcmj2pnmOf(file);

        // DCMTK truncates and rounds the coefficients (1.1631, 1.5969, 2.0177); we round the exact inverse of C.7.6.3.1.2.
        Assert.Equal((dcmtk.Width, dcmtk.Height, dcmtk.Channels), (ours.Width, ours.Height, ours.Channels));
        Assert.InRange(dcmtk.Pixels.Zip(ours.Pixels, (a, b) => Math.Abs(a - b)).Max(), 0, 2);
    }

    [Fact]
    public void Render_Jpeg2000YbrRct_EqualsGdcmDecodedRgbThroughDcmj2pnm()
    {
        // OpenJPEG undoes the reversible component transform: the frame is RGB and is rendered as RGB, not converted again.
        var path = Dcmtk.CorpusFile("GDCMJ2K_TextGBR.dcm");
        var folder = Dcmtk.TempFolder();
        try
        {
            var raw = Path.Combine(folder, "raw.dcm");
            Dcmtk.Run("gdcmconv", "--raw", path, raw);
            Assert.Equal("RGB", DicomFile.Open(raw).Dataset.GetString(DicomTag.PhotometricInterpretation)?.Trim());

            AssertWithinOneLevel(Dcmj2pnm(raw), Render(path, window: null));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A binary 8-bit PGM (P5) as a grey image.</summary>
    private static RenderedImage ReadPgm(byte[] pgm)
    {
        var fields = new List<int>();
        var at = 2;
        while (fields.Count < 3)
        {
            while (char.IsWhiteSpace((char)pgm[at]))
            {
                at++;
            }
            var start = at;
            while (char.IsAsciiDigit((char)pgm[at]))
            {
                at++;
            }
            fields.Add(int.Parse(pgm.AsSpan(start, at - start), provider: null));
        }
        var (width, height) = (fields[0], fields[1]);
        return new RenderedImage(width, height, 1, pgm.AsSpan(at + 1, width * height).ToArray());
    }

    private static RenderedImage RenderSized(DicomFile file, VoiWindow? window, int width, int height)
    {
        var pixelData = DicomPixelData.Create(file);
        var frame = DicomCodecRegistry.CreateDefault().GetFrame(pixelData, 0);
        return PngReader.Read(PngEncoder.Encode(DicomRenderer.Render(pixelData, frame, window, width, height)));
    }
}
