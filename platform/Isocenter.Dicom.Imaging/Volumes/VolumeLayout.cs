using System.Globalization;

namespace Isocenter.Dicom.Imaging.Volumes;

/// <summary>
/// Slices sorted along their normal and checked to form one regular volume, and the volume's geometry. Made from headers
/// alone, so a series is refused before any pixel data is decoded.
/// </summary>
public sealed class VolumeLayout
{
    private const int Listed = 5;

    private VolumeLayout(IReadOnlyList<VolumeSlice> slices, VolumeGeometry geometry)
    {
        Slices = slices;
        Geometry = geometry;
    }

    /// <summary>The slices in volume order: ascending position along the normal.</summary>
    public IReadOnlyList<VolumeSlice> Slices { get; }

    /// <summary>Voxel grid and voxel → patient mapping.</summary>
    public VolumeGeometry Geometry { get; }

    /// <summary>
    /// <paramref name="slices"/> in ascending order of Image Position (Patient) projected on the normal of the first slice
    /// (row direction × column direction), ties kept in input order. Throws when a slice has no position or orientation.
    /// Checks nothing else: a series with gaps or mixed orientations is still sorted (use <see cref="Create"/> for a volume).
    /// </summary>
    public static IReadOnlyList<VolumeSlice> SortAlongNormal(IEnumerable<VolumeSlice> slices)
    {
        var list = slices.ToList();
        RequireGeometry(list, requireSpacing: false);
        var normal = list.Count > 0 ? list[0].Normal!.Value : default;
        return [.. list.OrderBy(s => s.Position!.Value.Dot(normal))];
    }

    /// <summary>
    /// Sorts <paramref name="slices"/> along their normal and checks that they make one volume: at least 2 slices, greyscale,
    /// each with a position, orientation and pixel spacing, all of one size, pixel format, pixel spacing, frame of reference
    /// and orientation, no two at the same position, evenly spaced along the normal and on one line. Every refusal is a
    /// <see cref="DicomDataException"/> naming the offending slices and, for spacing, the spacings found.
    /// </summary>
    public static VolumeLayout Create(IEnumerable<VolumeSlice> slices, VolumeOptions? options = null)
    {
        options ??= VolumeOptions.Default;
        var list = slices.ToList();
        if (list.Count < 2)
        {
            throw new DicomDataException(string.Create(CultureInfo.InvariantCulture,
                $"A volume needs at least 2 slices; got {list.Count}{(list.Count == 1 ? $" ({list[0].Name})" : "")}."));
        }
        Refuse(list.Where(s => !s.IsMonochrome), s => $"{s.Name} ({s.PixelFormat})", "Volumes are made of greyscale (MONOCHROME1/2, 1 sample) slices, not");
        RequireGeometry(list, requireSpacing: true);
        var first = list[0];
        Refuse(list.Where(s => (s.Rows, s.Columns) != (first.Rows, first.Columns)), s => $"{s.Name} is {s.Columns}×{s.Rows}",
            $"Mixed image sizes: {first.Name} is {first.Columns}×{first.Rows}, but");
        Refuse(list.Where(s => s.PixelFormat != first.PixelFormat), s => $"{s.Name} has {s.PixelFormat}",
            $"Mixed pixel formats: {first.Name} has {first.PixelFormat}, but");
        Refuse(list.Where(s => !Close(s.RowSpacing!.Value, first.RowSpacing!.Value, 1e-4) || !Close(s.ColumnSpacing!.Value, first.ColumnSpacing!.Value, 1e-4)),
            s => $"{s.Name} has {s.RowSpacing}\\{s.ColumnSpacing}", $"Mixed Pixel Spacing: {first.Name} has {first.RowSpacing}\\{first.ColumnSpacing}, but");
        Refuse(list.Where(s => s.FrameOfReferenceUid != first.FrameOfReferenceUid), s => $"{s.Name} is in '{s.FrameOfReferenceUid}'",
            $"Mixed frames of reference: {first.Name} is in '{first.FrameOfReferenceUid}', but");
        Refuse(list.Where(s => !SameDirection(s.RowDirection!.Value, first.RowDirection!.Value, options.OrientationTolerance)
                || !SameDirection(s.ColumnDirection!.Value, first.ColumnDirection!.Value, options.OrientationTolerance)),
            s => $"{s.Name} has {s.RowDirection}{s.ColumnDirection}",
            $"Mixed orientations: {first.Name} has Image Orientation (Patient) {first.RowDirection}{first.ColumnDirection}, but");

        var normal = first.Normal!.Value;
        var sorted = list.OrderBy(s => s.Position!.Value.Dot(normal)).ToArray();
        var along = sorted.Select(s => s.Position!.Value.Dot(normal)).ToArray();
        var gaps = along.Skip(1).Select((a, i) => a - along[i]).ToArray();
        var mean = (along[^1] - along[0]) / (sorted.Length - 1);
        Refuse(Enumerable.Range(0, gaps.Length).Where(i => gaps[i] <= options.SpacingTolerance * mean),
            i => $"{sorted[i].Name} and {sorted[i + 1].Name} at {Mm(along[i])} mm", "Duplicate positions along the normal:");

        var median = gaps.Order().ElementAt(gaps.Length / 2);
        Refuse(Enumerable.Range(0, gaps.Length).Where(i => Math.Abs(gaps[i] - median) > options.SpacingTolerance * median),
            i => $"{Mm(gaps[i])} mm between {sorted[i].Name} and {sorted[i + 1].Name}{MissingSlices(gaps[i], median)}",
            $"Uneven slice spacing (most slices are {Mm(median)} mm apart, ±{Mm(options.SpacingTolerance * 100)}% allowed):");

        var origin = sorted[0].Position!.Value;
        var step = (sorted[^1].Position!.Value - origin) * (1.0 / (sorted.Length - 1));
        var offLine = Math.Max(options.SpacingTolerance * mean, 1e-3);
        Refuse(Enumerable.Range(0, sorted.Length).Where(k => (sorted[k].Position!.Value - (origin + step * k)).Length > offLine),
            k => $"{sorted[k].Name} is {Mm((sorted[k].Position!.Value - (origin + step * k)).Length)} mm off",
            "Slice positions do not lie on one line through the first and last slices:");

        var geometry = new VolumeGeometry(first.Columns, first.Rows, sorted.Length, origin, first.RowDirection!.Value.Normalize(),
            first.ColumnDirection!.Value.Normalize(), normal, first.RowSpacing!.Value, first.ColumnSpacing!.Value, step.Dot(normal), step);
        return new VolumeLayout(sorted, geometry);
    }

    private static void RequireGeometry(List<VolumeSlice> slices, bool requireSpacing)
    {
        Refuse(slices.Where(s => s.Position is null), s => s.Name, "No Image Position (Patient) (0020,0032) in");
        Refuse(slices.Where(s => s.Normal is not { } n || !double.IsFinite(n.Length) || Math.Abs(n.Length - 1) > 1e-6), s => s.Name,
            "No valid Image Orientation (Patient) (0020,0037) in");
        if (requireSpacing)
        {
            Refuse(slices.Where(s => s.RowSpacing is not > 0 || s.ColumnSpacing is not > 0), s => s.Name, "No valid Pixel Spacing (0028,0030) in");
        }
    }

    /// <summary>Throws when there are offenders, listing the first few.</summary>
    private static void Refuse<T>(IEnumerable<T> offenders, Func<T, string> describe, string problem)
    {
        var all = offenders.ToList();
        if (all.Count == 0)
        {
            return;
        }
        var listed = string.Join("; ", all.Take(Listed).Select(describe));
        var more = all.Count > Listed ? string.Create(CultureInfo.InvariantCulture, $" (and {all.Count - Listed} more)") : "";
        throw new DicomDataException($"{problem} {listed}{more}.");
    }

    private static string MissingSlices(double gap, double median)
    {
        var ratio = Math.Round(gap / median);
        return ratio >= 2 && Math.Abs(gap / median - ratio) < 0.05
            ? string.Create(CultureInfo.InvariantCulture, $" ({ratio - 1} slice(s) missing?)") : "";
    }

    private static bool Close(double a, double b, double relative) => Math.Abs(a - b) <= relative * Math.Max(Math.Abs(a), Math.Abs(b));

    private static bool SameDirection(Vector3D a, Vector3D b, double tolerance) =>
        Math.Abs(a.X - b.X) <= tolerance && Math.Abs(a.Y - b.Y) <= tolerance && Math.Abs(a.Z - b.Z) <= tolerance;

    private static string Mm(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
