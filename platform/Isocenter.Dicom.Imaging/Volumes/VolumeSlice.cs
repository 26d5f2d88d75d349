using System.Globalization;

namespace Isocenter.Dicom.Imaging.Volumes;

/// <summary>
/// What a volume needs to know about one slice, read from its header: a single-frame instance, or one frame of an enhanced
/// multi-frame instance (its Per-Frame, else Shared, Functional Groups). No pixel data is kept.
/// </summary>
public sealed record VolumeSlice
{
    /// <summary>Where the slice comes from, as the caller named it (usually a file path); used in error messages.</summary>
    public required string Source { get; init; }

    /// <summary>The frame of <see cref="Source"/> (0-based; 0 for a single-frame instance).</summary>
    public int Frame { get; init; }

    /// <summary>Number of frames of <see cref="Source"/>.</summary>
    public int FramesInSource { get; init; } = 1;

    /// <summary>SOP Instance UID (0008,0018), or empty.</summary>
    public string SopInstanceUid { get; init; } = "";

    /// <summary>Frame of Reference UID (0020,0052), or empty.</summary>
    public string FrameOfReferenceUid { get; init; } = "";

    /// <summary>Image Position (Patient) (0020,0032): the centre of the first pixel sent, or null when missing.</summary>
    public Vector3D? Position { get; init; }

    /// <summary>Image Orientation (Patient) (0020,0037) first triplet: the direction of a row (increasing column index), or null.</summary>
    public Vector3D? RowDirection { get; init; }

    /// <summary>Image Orientation (Patient) second triplet: the direction of a column (increasing row index), or null.</summary>
    public Vector3D? ColumnDirection { get; init; }

    /// <summary>Pixel Spacing (0028,0030) first value: between the centres of adjacent rows (PS3.3 10.7.1.3), or null.</summary>
    public double? RowSpacing { get; init; }

    /// <summary>Pixel Spacing second value: between the centres of adjacent columns, or null.</summary>
    public double? ColumnSpacing { get; init; }

    public int Rows { get; init; }
    public int Columns { get; init; }

    /// <summary>Samples, bits and photometric interpretation in words; slices of one volume must share it.</summary>
    public string PixelFormat { get; init; } = "";

    /// <summary>One sample per pixel, MONOCHROME1 or MONOCHROME2: the only slices a volume is made of.</summary>
    public bool IsMonochrome { get; init; }

    /// <summary>Rescale Slope (0028,1053), 1 when absent.</summary>
    public double RescaleSlope { get; init; } = 1;

    /// <summary>Rescale Intercept (0028,1052), 0 when absent.</summary>
    public double RescaleIntercept { get; init; }

    /// <summary>The slice normal (row direction × column direction), or null without an orientation.</summary>
    public Vector3D? Normal => RowDirection is { } row && ColumnDirection is { } column ? row.Cross(column).Normalize() : null;

    /// <summary>The source, with the frame number for multi-frame instances.</summary>
    public string Name => FramesInSource > 1 ? string.Create(CultureInfo.InvariantCulture, $"{Source} frame {Frame + 1}") : Source;

    /// <summary>
    /// The slices of <paramref name="dataset"/> (a header is enough: pixel data is not read): one for a single-frame
    /// instance, one per frame for a multi-frame instance with Per-Frame Functional Groups (PS3.3 C.7.6.16).
    /// </summary>
    public static IReadOnlyList<VolumeSlice> FromDataset(DicomDataset dataset, string source)
    {
        var frames = int.TryParse(dataset.GetString(DicomTag.NumberOfFrames)?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 1 ? n : 1;
        var perFrame = dataset.GetSequence(DicomTag.PerFrameFunctionalGroupsSequence)?.Items;
        var shared = dataset.GetSequence(DicomTag.SharedFunctionalGroupsSequence)?.Items.FirstOrDefault();
        if (frames > 1 && (perFrame is null || perFrame.Count < frames))
        {
            throw new DicomDataException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: {frames} frames without a Per-Frame Functional Groups Sequence (5200,9230) item for each; only enhanced multi-frame instances make volumes."));
        }
        var common = new VolumeSlice
        {
            Source = source,
            FramesInSource = frames,
            SopInstanceUid = dataset.GetString(DicomTag.SOPInstanceUID)?.Trim() ?? "",
            FrameOfReferenceUid = dataset.GetString(DicomTag.FrameOfReferenceUID)?.Trim() ?? "",
            Rows = dataset.TryGetValue<ushort>(DicomTag.Rows, out var rows) ? rows : 0,
            Columns = dataset.TryGetValue<ushort>(DicomTag.Columns, out var columns) ? columns : 0,
            PixelFormat = DescribePixelFormat(dataset),
            IsMonochrome = (!dataset.TryGetValue<ushort>(DicomTag.SamplesPerPixel, out var samples) || samples == 1)
                && dataset.GetString(DicomTag.PhotometricInterpretation)?.Trim() is "MONOCHROME1" or "MONOCHROME2",
        };
        var slices = new VolumeSlice[frames];
        for (var f = 0; f < frames; f++)
        {
            // An attribute of a functional group is looked up in the frame's item, then in the shared item, then at the top level.
            DicomDataset[] scopes = perFrame is null ? [dataset] : [.. new[] { perFrame[f], shared }.OfType<DicomDataset>(), dataset];
            var position = Find(scopes, DicomTag.PlanePositionSequence, DicomTag.ImagePositionPatient);
            var orientation = Find(scopes, DicomTag.PlaneOrientationSequence, DicomTag.ImageOrientationPatient);
            var spacing = Find(scopes, DicomTag.PixelMeasuresSequence, DicomTag.PixelSpacing);
            var slope = Find(scopes, DicomTag.PixelValueTransformationSequence, DicomTag.RescaleSlope);
            var intercept = Find(scopes, DicomTag.PixelValueTransformationSequence, DicomTag.RescaleIntercept);
            slices[f] = common with
            {
                Frame = f,
                Position = position is [var x, var y, var z] ? new Vector3D(x, y, z) : null,
                RowDirection = orientation is [var rx, var ry, var rz, _, _, _] ? new Vector3D(rx, ry, rz) : null,
                ColumnDirection = orientation is [_, _, _, var cx, var cy, var cz] ? new Vector3D(cx, cy, cz) : null,
                RowSpacing = spacing is [var between, _] ? between : null,
                ColumnSpacing = spacing is [_, var across] ? across : null,
                RescaleSlope = slope is [var s, ..] ? s : 1,
                RescaleIntercept = intercept is [var i, ..] ? i : 0,
            };
        }
        return slices;
    }

    private static double[]? Find(DicomDataset[] scopes, DicomTag group, DicomTag tag)
    {
        foreach (var scope in scopes)
        {
            var item = scope.GetSequence(group)?.Items.FirstOrDefault();
            if (item?.Contains(tag) == true)
            {
                return item.GetValues<double>(tag);
            }
            if (scope.Contains(tag))
            {
                return scope.GetValues<double>(tag);
            }
        }
        return null;
    }

    private static string DescribePixelFormat(DicomDataset dataset)
    {
        var samples = dataset.TryGetValue<ushort>(DicomTag.SamplesPerPixel, out var spp) ? spp : 1;
        var allocated = dataset.TryGetValue<ushort>(DicomTag.BitsAllocated, out var bits) ? bits : 0;
        var stored = dataset.TryGetValue<ushort>(DicomTag.BitsStored, out var s) ? s : allocated;
        var signed = dataset.TryGetValue<ushort>(DicomTag.PixelRepresentation, out var representation) && representation == 1;
        var photometric = dataset.GetString(DicomTag.PhotometricInterpretation)?.Trim() ?? "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{samples} sample(s) of {stored}/{allocated} bits {(signed ? "signed" : "unsigned")} {photometric}");
    }
}
