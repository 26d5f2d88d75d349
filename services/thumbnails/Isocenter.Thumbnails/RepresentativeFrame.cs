using Isocenter.Dicom;

namespace Isocenter.Thumbnails;

/// <summary>What the choice of a series' representative frame needs from one instance's header.</summary>
internal sealed record InstanceHeader(string Key, double[]? Position, double[]? Orientation, int? InstanceNumber, int Frames)
{
    /// <summary>Reads Image Position/Orientation (Patient), Instance Number and Number of Frames, leniently: a malformed value counts as missing.</summary>
    public static InstanceHeader Read(string key, DicomDataset dataset) => new(
        key,
        Numbers(dataset, DicomTag.ImagePositionPatient, 3),
        Numbers(dataset, DicomTag.ImageOrientationPatient, 6),
        Numbers(dataset, DicomTag.InstanceNumber, 1) is [var number] ? (int)number : null,
        Numbers(dataset, DicomTag.NumberOfFrames, 1) is [var frames and >= 1] ? (int)frames : 1);

    private static double[]? Numbers(DicomDataset dataset, DicomTag tag, int count)
    {
        try
        {
            var values = dataset.GetValues<double>(tag);
            return values.Length == count && values.All(double.IsFinite) ? values : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// Picks the frame that stands for a series: the middle instance along the slice normal (Image Position (Patient) projected
/// on the normal of the first instance's Image Orientation (Patient)), or by Instance Number when some instance lacks a
/// position; within it, the middle frame. Ties fall back to Instance Number, then key, so the choice is always the same.
/// </summary>
internal static class RepresentativeFrame
{
    /// <summary>The chosen instance and its zero-based frame index; <paramref name="instances"/> must not be empty.</summary>
    public static (InstanceHeader Instance, int Frame) Pick(IReadOnlyList<InstanceHeader> instances)
    {
        var byNumber = instances.OrderBy(i => i.InstanceNumber ?? int.MaxValue).ThenBy(i => i.Key, StringComparer.Ordinal);
        var ordered = instances.All(i => i.Position is not null) && instances[0].Orientation is { } orientation
            ? byNumber.OrderBy(i => Distance(orientation, i.Position!)).ToList() // stable: ties keep the number order
            : byNumber.ToList();
        var middle = ordered[ordered.Count / 2];
        return (middle, middle.Frames / 2);
    }

    private static double Distance(double[] orientation, double[] position)
    {
        // Normal = row direction × column direction.
        var normal = (X: orientation[1] * orientation[5] - orientation[2] * orientation[4],
            Y: orientation[2] * orientation[3] - orientation[0] * orientation[5],
            Z: orientation[0] * orientation[4] - orientation[1] * orientation[3]);
        return normal.X * position[0] + normal.Y * position[1] + normal.Z * position[2];
    }
}
