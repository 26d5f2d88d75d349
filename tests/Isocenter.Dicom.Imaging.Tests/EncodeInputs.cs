using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Dicom.Imaging.Tests;

/// <summary>Native images the encoder tests start from: pydicom's corpus and an 8-bit grey image made from CT_small.</summary>
internal static class EncodeInputs
{
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
