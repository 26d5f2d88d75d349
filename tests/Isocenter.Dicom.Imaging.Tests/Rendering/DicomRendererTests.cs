using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Png;
using Isocenter.Dicom.Imaging.Rendering;
using Isocenter.Dicom.Imaging.Tests.Codecs;
using Isocenter.Dicom.Imaging.Tests.Png;

namespace Isocenter.Dicom.Imaging.Tests.Rendering;

public sealed class DicomRendererTests
{
    [Theory]
    [InlineData("CT_small.dcm", 40, 400)]
    [InlineData("CT_small.dcm", -600, 1500)]
    [InlineData("CT_small.dcm", 100, 1)]
    [InlineData("MR_small.dcm", 600, 1600)]
    [InlineData("MR_small.dcm", 300.5, 255)]
    [InlineData("MR_small_RLE.dcm", 600, 1600)]
    [InlineData("MR_small_bigendian.dcm", 600, 1600)]
    public void Render_GivenWindow_WithinOneGreyLevelOfDcmj2pnm(string name, double center, double width)
    {
        var ours = Render(Dcmtk.CorpusFile(name), new VoiWindow(center, width));

        var dcmtk = Dcmj2pnm(Dcmtk.CorpusFile(name), "+Ww", $"{center}", $"{width}");

        AssertWithinOneLevel(dcmtk, ours);
    }

    [Theory]
    [InlineData("MR_small.dcm")]
    public void Render_DatasetWindow_WithinOneGreyLevelOfDcmj2pnm(string name)
    {
        var ours = Render(Dcmtk.CorpusFile(name), window: null);

        var dcmtk = Dcmj2pnm(Dcmtk.CorpusFile(name), "+Wi", "1");

        AssertWithinOneLevel(dcmtk, ours);
    }

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small.dcm")]
    [InlineData("rtdose.dcm")]
    [InlineData("liver_1frame.dcm")]
    public void Render_AutoWindow_WithinOneGreyLevelOfDcmj2pnmMinMax(string name)
    {
        var pixelData = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile(name)));
        pixelData.Dataset.Remove(DicomTag.WindowCenter);
        pixelData.Dataset.Remove(DicomTag.WindowWidth);
        var ours = PngReader.Read(PngEncoder.Encode(DicomRenderer.Render(pixelData, pixelData.GetNativeFrame(0))));

        var dcmtk = Dcmj2pnm(Dcmtk.CorpusFile(name), "+Wm");

        AssertWithinOneLevel(dcmtk, ours);
    }

    [Fact]
    public void PercentileWindow_Outliers_AreLeftOut()
    {
        var dataset = RleCodecTests.Image(rows: 10, columns: 100, bitsAllocated: 16).Set(DicomTag.RescaleIntercept, "-1000");
        var pixelData = DicomPixelData.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
        var frame = new byte[pixelData.FrameLength];
        for (var i = 0; i < 1000; i++)
        {
            var value = i < 4 ? 0 : i >= 996 ? 60000 : 1000 + i % 100; // 4 outliers at each end, the rest 1000..1099
            frame[i * 2] = (byte)value;
            frame[i * 2 + 1] = (byte)(value >> 8);
        }

        var window = DicomRenderer.PercentileWindow(pixelData, frame, percent: 1);
        var minMax = DicomRenderer.PercentileWindow(pixelData, frame, percent: 0);

        Assert.Equal(new VoiWindow(50, 100), window); // modality 0..99: LINEAR maps 0 to 0 and 99 to 255
        Assert.Equal(new VoiWindow(29000.5, 60001), minMax); // modality -1000..59000
    }

    [Fact]
    public void Render_Monochrome1_InvertedLikeDcmj2pnm()
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var file = DicomFile.Open(Dcmtk.CorpusFile("CT_small.dcm"));
            file.Dataset.Set(DicomTag.PhotometricInterpretation, "MONOCHROME1");
            var path = Path.Combine(folder, "mono1.dcm");
            file.Save(path);

            var ours = Render(path, new VoiWindow(40, 400));
            var dcmtk = Dcmj2pnm(path, "+Ww", "40", "400");

            AssertWithinOneLevel(dcmtk, ours);
            Assert.Equal(255 - Render(Dcmtk.CorpusFile("CT_small.dcm"), new VoiWindow(40, 400)).Pixels[0], ours.Pixels[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("SC_rgb_small_odd.dcm")]
    [InlineData("SC_rgb_rle.dcm")]
    [InlineData("SC_rgb_rle_16bit.dcm")]
    [InlineData("SC_ybr_full_422_uncompressed.dcm")]
    [InlineData("SC_rgb_jpeg_gdcm.dcm")]
    [InlineData("SC_rgb_dcmtk_+eb+cy+np.dcm")] // JPEG baseline YBR_FULL_422, decoded to RGB
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")] // JPEG baseline YBR_FULL
    public void Render_Colour_WithinOneLevelOfDcmj2pnm(string name)
    {
        var ours = Render(Dcmtk.CorpusFile(name), window: null);

        var dcmtk = Dcmj2pnm(Dcmtk.CorpusFile(name));

        Assert.Equal(3, ours.Channels);
        AssertWithinOneLevel(dcmtk, ours);
    }

    [Fact]
    public void Render_PlanarConfiguration1_EqualsInterleaved()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("SC_rgb_small_odd.dcm"));
        var pixelData = DicomPixelData.Create(file);
        var interleaved = pixelData.GetNativeFrame(0);
        var pixels = pixelData.Rows * pixelData.Columns;
        var planar = new byte[interleaved.Length + (interleaved.Length & 1)];
        for (var p = 0; p < pixels; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                planar[c * pixels + p] = interleaved[p * 3 + c];
            }
        }
        file.Dataset.Set(DicomTag.PlanarConfiguration, (ushort)1);
        file.Dataset.Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(planar)));

        var ours = DicomRenderer.Render(DicomPixelData.Create(file), DicomPixelData.Create(file).GetNativeFrame(0));

        Assert.Equal(DicomRenderer.Render(pixelData, interleaved).Pixels, ours.Pixels);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    public void Render_PaletteColor_WithinOneLevelOfDcmj2pnm(int bits)
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("CT_small.dcm"));
        var grey = Render(Dcmtk.CorpusFile("CT_small.dcm"), new VoiWindow(40, 400)).Pixels;
        var dataset = file.Dataset;
        dataset.Set(DicomTag.BitsAllocated, (ushort)8).Set(DicomTag.BitsStored, (ushort)8).Set(DicomTag.HighBit, (ushort)7)
            .Set(DicomTag.PixelRepresentation, (ushort)0).Set(DicomTag.PhotometricInterpretation, "PALETTE COLOR");
        dataset.Remove(DicomTag.RescaleIntercept);
        dataset.Remove(DicomTag.RescaleSlope);
        dataset.Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(grey)));
        var scale = bits == 16 ? 257 : 1;
        // 200 entries from 20: values below and above exercise the clamping of C.7.6.3.1.5.
        var red = Enumerable.Range(0, 200).Select(i => (ushort)(i * scale)).ToArray();
        var green = Enumerable.Range(0, 200).Select(i => (ushort)((199 - i) * scale)).ToArray();
        var blue = Enumerable.Range(0, 200).Select(i => (ushort)(i * 7 % 256 * scale)).ToArray();
        foreach (var (descriptor, data, values) in new[]
        {
            (DicomTag.RedPaletteColorLookupTableDescriptor, DicomTag.RedPaletteColorLookupTableData, red),
            (DicomTag.GreenPaletteColorLookupTableDescriptor, DicomTag.GreenPaletteColorLookupTableData, green),
            (DicomTag.BluePaletteColorLookupTableDescriptor, DicomTag.BluePaletteColorLookupTableData, blue),
        })
        {
            dataset.Set<ushort>(descriptor, DicomVR.US, 200, 20, (ushort)bits);
            dataset.Set<ushort>(data, DicomVR.OW, values);
        }

        AssertWithinOneLevel(Dcmj2pnmOf(file), Render(file, window: null));
    }

    [Fact]
    public void Render_VoiLutSequence_WithinOneLevelOfDcmj2pnm()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("MR_small.dcm"));
        file.Dataset.Remove(DicomTag.WindowCenter);
        file.Dataset.Remove(DicomTag.WindowWidth);
        // A square-root curve over 0..1499, 12-bit entries.
        var lut = Enumerable.Range(0, 1500).Select(i => (ushort)Math.Round(Math.Sqrt(i / 1499.0) * 4095)).ToArray();
        var item = new DicomDataset().Set<ushort>(DicomTag.LUTDescriptor, DicomVR.US, 1500, 0, 12).Set<ushort>(DicomTag.LUTData, DicomVR.OW, lut);
        file.Dataset.Set(DicomTag.VOILUTSequence, item);

        AssertWithinOneLevel(Dcmj2pnmOf(file, "+Wl", "1"), Render(file, window: null));
    }

    [Fact]
    public void Render_ModalityLutSequence_WithinOneLevelOfDcmj2pnm()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("MR_small.dcm"));
        file.Dataset.Remove(DicomTag.RescaleIntercept);
        file.Dataset.Remove(DicomTag.RescaleSlope);
        var lut = Enumerable.Range(0, 2000).Select(i => (ushort)(4000 - 2 * i)).ToArray(); // decreasing, so the window sees a negative image
        var item = new DicomDataset().Set<ushort>(DicomTag.LUTDescriptor, DicomVR.US, 2000, 0, 16).Set<ushort>(DicomTag.LUTData, DicomVR.OW, lut)
            .Set(DicomTag.ModalityLUTType, "US");
        file.Dataset.Set(DicomTag.ModalityLUTSequence, item);

        AssertWithinOneLevel(Dcmj2pnmOf(file, "+Ww", "3000", "1500"), Render(file, new VoiWindow(3000, 1500)));
    }

    [Fact]
    public void Render_PresentationLutShapeInverse_InvertsLikeDcmj2pnm()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("CT_small.dcm"));
        file.Dataset.Set(DicomTag.PresentationLUTShape, "INVERSE");

        AssertWithinOneLevel(Dcmj2pnmOf(file, "+Ww", "40", "400"), Render(file, new VoiWindow(40, 400)));
    }

    [Theory]
    [InlineData(VoiLutFunction.Linear, 100, 11, 94.5, 0)]
    [InlineData(VoiLutFunction.Linear, 100, 11, 105.5, 255)]
    [InlineData(VoiLutFunction.Linear, 100, 11, 99.5, 127.5)]
    [InlineData(VoiLutFunction.LinearExact, 100, 10, 95, 0)]
    [InlineData(VoiLutFunction.LinearExact, 100, 10, 100, 127.5)]
    [InlineData(VoiLutFunction.LinearExact, 100, 10, 102.5, 191.25)]
    [InlineData(VoiLutFunction.Sigmoid, 100, 10, 100, 127.5)]
    public void Apply_Function_FollowsPs33(VoiLutFunction function, double center, double width, double x, double expected)
    {
        Assert.Equal(expected, new VoiWindow(center, width, function).Apply(x, 255), precision: 6);
    }

    [Fact]
    public void Apply_Sigmoid_IsMonotonicAndBounded()
    {
        var window = new VoiWindow(0, 100, VoiLutFunction.Sigmoid);
        var previous = -1.0;
        for (var x = -500; x <= 500; x += 10)
        {
            var y = window.Apply(x, 255);
            Assert.InRange(y, 0, 255);
            Assert.True(y >= previous);
            previous = y;
        }
    }

    [Fact]
    public void DatasetWindow_VoiLutFunction_IsRead()
    {
        var dataset = new DicomDataset().Set(DicomTag.WindowCenter, "40", "400").Set(DicomTag.WindowWidth, "80", "2000").Set(DicomTag.VOILUTFunction, "SIGMOID");

        Assert.Equal(new VoiWindow(40, 80, VoiLutFunction.Sigmoid), DicomRenderer.DatasetWindow(dataset));
    }

    internal static RenderedImage Render(string path, VoiWindow? window) => Render(DicomFile.Open(path), window);

    internal static RenderedImage Render(DicomFile file, VoiWindow? window)
    {
        var pixelData = DicomPixelData.Create(file);
        var frame = DicomCodecRegistry.CreateDefault().GetFrame(pixelData, 0);
        // Through our PNG encoder and back, so the encoder is checked on every image too.
        return PngReader.Read(PngEncoder.Encode(DicomRenderer.Render(pixelData, frame, window)));
    }

    internal static RenderedImage Dcmj2pnmOf(DicomFile file, params string[] options)
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var path = Path.Combine(folder, "input.dcm");
            file.Save(path);
            return Dcmj2pnm(path, options);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static RenderedImage Dcmj2pnm(string path, params string[] options)
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var output = Path.Combine(folder, "dcmtk.png");
            Dcmtk.Run("dcmj2pnm", ["+on", "-il", .. options, path, output]);
            return PngReader.Read(File.ReadAllBytes(output));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static void AssertWithinOneLevel(RenderedImage expected, RenderedImage actual)
    {
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (actual.Width, actual.Height, actual.Channels));
        var worst = 0;
        var at = -1;
        for (var i = 0; i < expected.Pixels.Length; i++)
        {
            var difference = Math.Abs(expected.Pixels[i] - actual.Pixels[i]);
            if (difference > worst)
            {
                (worst, at) = (difference, i);
            }
        }
        Assert.True(worst <= 1, $"sample {at} differs by {worst}: DCMTK {(at >= 0 ? expected.Pixels[at] : 0)}, ours {(at >= 0 ? actual.Pixels[at] : 0)}");
    }
}
