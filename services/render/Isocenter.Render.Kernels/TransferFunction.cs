namespace Isocenter.Render.Kernels;

/// <summary>A point of a piecewise-linear opacity ramp: opacity per millimetre of ray at a modality value.</summary>
public readonly record struct OpacityPoint(double Value, double Opacity);

/// <summary>A point of a piecewise-linear colour ramp (components 0–1).</summary>
public readonly record struct ColorPoint(double Value, double R, double G, double B);

/// <summary>
/// A DVR transfer function: opacity and colour ramps over modality values (clamped beyond their ends) and Phong shading
/// coefficients. Opacities are per millimetre of ray (VTK's scalar opacity unit distance of 1) and corrected for the step;
/// the specular power is rounded to a whole number (the kernels raise to it by squaring).
/// </summary>
/// <remarks>The presets carry the values of 3D Slicer's <c>presets.xml</c> (Modules/Loadable/VolumeRendering/Resources).</remarks>
public sealed record TransferFunction(
    string Name,
    IReadOnlyList<OpacityPoint> Opacity,
    IReadOnlyList<ColorPoint> Color,
    double Ambient,
    double Diffuse,
    double Specular,
    double SpecularPower)
{
    /// <summary>Entries of the lookup table the kernels read, spread over the volume's value range.</summary>
    public const int TableSize = 4096;

    /// <summary>Slicer CT-Bone.</summary>
    public static TransferFunction CtBone { get; } = new("ct-bone",
        [new(-3024, 0), new(-16.4458, 0), new(641.385, 0.715686), new(3071, 0.705882)],
        [new(-3024, 0, 0, 0), new(-16.4458, 0.729412, 0.254902, 0.301961), new(641.385, 0.905882, 0.815686, 0.552941), new(3071, 1, 1, 1)],
        0.1, 0.9, 0.2, 10);

    /// <summary>Slicer CT-Soft-Tissue (shaded here; Slicer leaves it unshaded).</summary>
    public static TransferFunction CtSoftTissue { get; } = new("ct-soft-tissue",
        [new(-2048, 0), new(-167.01, 0), new(-160, 1), new(240, 1), new(3661, 1)],
        [new(-2048, 0, 0, 0), new(-167.01, 0, 0, 0), new(-160, 0.0556356, 0.0556356, 0.0556356), new(240, 1, 1, 1), new(3661, 1, 1, 1)],
        0.2, 1, 0, 1);

    /// <summary>Slicer CT-Lung.</summary>
    public static TransferFunction CtLung { get; } = new("ct-lung",
        [new(-1000, 0), new(-600, 0), new(-599, 0.15), new(-400, 0.15), new(-399, 0), new(2952, 0)],
        [new(-1000, 0.3, 0.3, 1), new(-600, 0, 0, 1), new(-530, 0.134704, 0.781726, 0.0724558), new(-460, 0.929244, 1, 0.109473),
            new(-400, 0.888889, 0.254949, 0.0240258), new(2952, 1, 0.3, 0.3)],
        0.2, 1, 0, 1);

    /// <summary>Slicer CT-AAA: contrast-filled vessels (and bone).</summary>
    public static TransferFunction CtAngio { get; } = new("ct-angio",
        [new(-3024, 0), new(143.556, 0), new(166.222, 0.686275), new(214.389, 0.696078), new(419.736, 0.833333), new(3071, 0.803922)],
        [new(-3024, 0, 0, 0), new(143.556, 0.615686, 0.356863, 0.184314), new(166.222, 0.882353, 0.603922, 0.290196), new(214.389, 1, 1, 1),
            new(419.736, 1, 0.937033, 0.954531), new(3071, 0.827451, 0.658824, 1)],
        0.1, 0.9, 0.2, 10);

    /// <summary>Slicer MR-Default.</summary>
    public static TransferFunction MrDefault { get; } = new("mr-default",
        [new(0, 0), new(20, 0), new(40, 0.15), new(120, 0.3), new(220, 0.375), new(1024, 0.5)],
        [new(0, 0, 0, 0), new(20, 0.168627, 0, 0), new(40, 0.403922, 0.145098, 0.0784314), new(120, 0.780392, 0.607843, 0.380392),
            new(220, 0.847059, 0.835294, 0.788235), new(1024, 1, 1, 1)],
        0.2, 1, 0, 1);

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<TransferFunction> Presets { get; } = [CtBone, CtSoftTissue, CtLung, CtAngio, MrDefault];

    /// <summary>
    /// The table the kernels read: <see cref="TableSize"/> entries evenly spaced from <paramref name="min"/> to
    /// <paramref name="max"/>, each colour and opacity corrected for <paramref name="step"/> mm between samples, and the
    /// running count of entries with opacity above zero (one longer) for empty-space skipping.
    /// </summary>
    internal (Rgba[] Colors, int[] Visible) BuildTable(float min, float max, float step)
    {
        var colors = new Rgba[TableSize];
        var visible = new int[TableSize + 1];
        var spacing = max > min ? (max - min) / (TableSize - 1) : 1f;
        for (var i = 0; i < TableSize; i++)
        {
            var value = min + i * spacing;
            var opacity = Math.Clamp(Ramp(Opacity, value, p => p.Value, p => p.Opacity), 0, 1);
            colors[i] = new Rgba(
                (float)Ramp(Color, value, p => p.Value, p => p.R),
                (float)Ramp(Color, value, p => p.Value, p => p.G),
                (float)Ramp(Color, value, p => p.Value, p => p.B),
                (float)(1 - Math.Pow(1 - opacity, step)));
            visible[i + 1] = visible[i] + (colors[i].A > 0 ? 1 : 0);
        }
        return (colors, visible);
    }

    private static double Ramp<T>(IReadOnlyList<T> points, double value, Func<T, double> at, Func<T, double> of)
    {
        if (value <= at(points[0]))
        {
            return of(points[0]);
        }
        for (var i = 1; i < points.Count; i++)
        {
            if (value <= at(points[i]))
            {
                var (a, b) = (points[i - 1], points[i]);
                var span = at(b) - at(a);
                return span > 0 ? of(a) + (of(b) - of(a)) * (value - at(a)) / span : of(b);
            }
        }
        return of(points[^1]);
    }
}
