using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Dicom.Imaging.Tests;

/// <summary>Images the encoder tests start from: pydicom's corpus, an 8-bit grey image and a CT like <c>isocenter demo</c>'s, made from CT_small.</summary>
internal static class EncodeInputs
{
    /// <summary>
    /// A named input: "grey8", "ct12x2", "rgb-planar1" or a corpus file name. Multi-frame Secondary Capture files are relabelled Multi-frame
    /// True Color Secondary Capture, which GDCM accepts (it refuses to write several frames of plain Secondary Capture).
    /// </summary>
    public static DicomFile Open(string name)
    {
        var file = name switch
        {
            "grey8" => Grey8(),
            "ct12x2" => Ct12Signed(),
            "rgb-planar1" => RgbPlanar1(),
            _ => DicomFile.Open(Dcmtk.CorpusFile(name)),
        };
        if (file.Dataset.GetString(DicomTag.SOPClassUID) == SecondaryCapture && DicomPixelData.Create(file).NumberOfFrames > 1)
        {
            file.Dataset.Set(DicomTag.SOPClassUID, MultiframeTrueColorSecondaryCapture);
        }
        return file;
    }

    private const string SecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
    private const string MultiframeTrueColorSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7.4";

    /// <summary>
    /// Two frames of 12-bit signed samples sign-extended in 16 bits (Bits Stored 12, High Bit 11), as <c>isocenter demo</c>
    /// writes: CT_small's values minus 1024, within ±1500, and the same negated.
    /// </summary>
    public static DicomFile Ct12Signed()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("CT_small.dcm"));
        var pixelData = DicomPixelData.Create(file);
        var frame = pixelData.GetNativeFrame(0);
        var pixels = pixelData.Rows * pixelData.Columns;
        var frames = new byte[pixels * 4];
        for (var i = 0; i < pixels; i++)
        {
            var value = (short)Math.Clamp(pixelData.ReadSample(frame, i) - 1024, -1500, 1500);
            BitConverter.TryWriteBytes(frames.AsSpan(i * 2), value);
            BitConverter.TryWriteBytes(frames.AsSpan((pixels + i) * 2), (short)-value);
        }
        var dataset = file.Dataset.Clone()
            .Set<ushort>(DicomTag.BitsStored, 12)
            .Set<ushort>(DicomTag.HighBit, 11)
            .Set(DicomTag.NumberOfFrames, "2")
            .Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OW, DicomBuffer.FromBytes(frames)));
        return new DicomFile(dataset);
    }

    /// <summary>SC_rgb_jpeg_dcmd (256×256 RGB) with Planar Configuration 1 (R1R2…G1G2…B1B2…).</summary>
    public static DicomFile RgbPlanar1() => Planar1("SC_rgb_jpeg_dcmd.dcm");

    /// <summary>A native RGB corpus file with its pixels rewritten in Planar Configuration 1 (R1R2…G1G2…B1B2…).</summary>
    public static DicomFile Planar1(string corpusFile)
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile(corpusFile));
        var interleaved = DicomPixelData.Create(file).GetNativeFrame(0);
        var pixels = interleaved.Length / 3;
        var planar = new byte[interleaved.Length];
        for (var p = 0; p < pixels; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                planar[c * pixels + p] = interleaved[p * 3 + c];
            }
        }
        file.Dataset.Set(DicomTag.PlanarConfiguration, (ushort)1)
            .Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(planar)));
        return file;
    }

    /// <summary>An 8-bit MONOCHROME2 Secondary Capture-like file: CT_small through the display pipeline.</summary>
    public static DicomFile Grey8()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("CT_small.dcm"));
        var pixelData = DicomPixelData.Create(file);
        var image = DicomRenderer.Render(pixelData, pixelData.GetNativeFrame(0));
        var dataset = file.Dataset.Clone();
        foreach (var tag in new[] { DicomTag.RescaleIntercept, DicomTag.RescaleSlope, DicomTag.WindowCenter, DicomTag.WindowWidth })
        {
            dataset.Remove(tag);
        }
        dataset.Set<ushort>(DicomTag.BitsAllocated, 8)
            .Set<ushort>(DicomTag.BitsStored, 8)
            .Set<ushort>(DicomTag.HighBit, 7)
            .Set(DicomTag.PixelRepresentation, (ushort)0)
            .Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(image.Pixels)));
        return new DicomFile(dataset);
    }
}
