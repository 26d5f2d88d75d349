using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Thumbnails;

/// <summary>
/// The window a thumbnail is rendered with. Greyscale: the dataset's first Window Center/Width (for an enhanced
/// multi-frame object, the chosen frame's Frame VOI LUT functional group); else its VOI LUT Sequence (the renderer applies
/// it); else, for CT in Hounsfield units, <see cref="SoftTissue"/>; else the window that leaves out the darkest and
/// brightest 1 % of the frame's pixels. Colour images take no window.
/// </summary>
internal static class ThumbnailWindow
{
    /// <summary>Soft tissue (abdomen) window, W 400 / L 40 HU: a CT's own min/max (air, padding, bone) leaves soft tissue one flat grey.</summary>
    public static readonly VoiWindow SoftTissue = new(40, 400);

    /// <summary>The window for <paramref name="frame"/>, or null to let <see cref="DicomRenderer"/> decide (VOI LUT, colour).</summary>
    public static VoiWindow? Choose(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        var dataset = pixelData.Dataset;
        if (pixelData.FramePhotometricInterpretation is not ("MONOCHROME1" or "MONOCHROME2")
            || dataset.GetSequence(DicomTag.VOILUTSequence) is { Items.Count: > 0 } && DicomRenderer.DatasetWindow(dataset) is null)
        {
            return null;
        }
        if (DicomRenderer.DatasetWindow(dataset) is { } window)
        {
            return window;
        }
        return dataset.GetString(DicomTag.Modality) == "CT" && dataset.Contains(DicomTag.RescaleIntercept)
            ? SoftTissue
            : DicomRenderer.PercentileWindow(pixelData, frame, percent: 1);
    }

    /// <summary>
    /// Copies the Pixel Value Transformation and Frame VOI LUT functional groups of frame <paramref name="frame"/> (per-frame,
    /// else shared) of an enhanced multi-frame object to the top level of <paramref name="dataset"/>, where the renderer
    /// looks for rescale and window; attributes already at the top level are kept.
    /// </summary>
    public static void ApplyFunctionalGroups(DicomDataset dataset, int frame)
    {
        var perFrame = dataset.GetSequence(DicomTag.PerFrameFunctionalGroupsSequence)?.Items.ElementAtOrDefault(frame);
        var shared = dataset.GetSequence(DicomTag.SharedFunctionalGroupsSequence)?.Items.FirstOrDefault();
        foreach (var group in (ReadOnlySpan<DicomTag>)[DicomTag.PixelValueTransformationSequence, DicomTag.FrameVOILUTSequence])
        {
            var item = perFrame?.GetSequence(group)?.Items.FirstOrDefault() ?? shared?.GetSequence(group)?.Items.FirstOrDefault();
            foreach (var element in item ?? [])
            {
                if (!dataset.Contains(element.Tag))
                {
                    dataset.Add(element);
                }
            }
        }
    }
}
