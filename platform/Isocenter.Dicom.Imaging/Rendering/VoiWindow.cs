namespace Isocenter.Dicom.Imaging.Rendering;

/// <summary>VOI LUT Function (0028,1056), PS3.3 C.11.2.1.3.</summary>
public enum VoiLutFunction
{
    /// <summary>LINEAR (C.11.2.1.2.1): the default, with DICOM's half-unit offsets.</summary>
    Linear,

    /// <summary>LINEAR_EXACT (C.11.2.1.3.2).</summary>
    LinearExact,

    /// <summary>SIGMOID (C.11.2.1.3.1).</summary>
    Sigmoid,
}

/// <summary>A window (center and width, in modality units) and the function that maps it to output values.</summary>
public sealed record VoiWindow(double Center, double Width, VoiLutFunction Function = VoiLutFunction.Linear)
{
    /// <summary>Maps a modality value to [0, <paramref name="yMax"/>] (unrounded).</summary>
    public double Apply(double x, double yMax)
    {
        switch (Function)
        {
            case VoiLutFunction.Sigmoid:
                return yMax / (1 + Math.Exp(-4 * (x - Center) / Width));
            case VoiLutFunction.LinearExact:
                if (x <= Center - Width / 2)
                {
                    return 0;
                }
                return x > Center + Width / 2 ? yMax : ((x - Center) / Width + 0.5) * yMax;
            default:
                var width = Math.Max(Width, 1);
                if (x <= Center - 0.5 - (width - 1) / 2)
                {
                    return 0;
                }
                if (x > Center - 0.5 + (width - 1) / 2)
                {
                    return yMax;
                }
                return width == 1 ? yMax : ((x - (Center - 0.5)) / (width - 1) + 0.5) * yMax;
        }
    }

    /// <summary>Parses a VOI LUT Function value; unknown or empty values are LINEAR.</summary>
    public static VoiLutFunction ParseFunction(string? value) => value?.Trim() switch
    {
        "LINEAR_EXACT" => VoiLutFunction.LinearExact,
        "SIGMOID" => VoiLutFunction.Sigmoid,
        _ => VoiLutFunction.Linear,
    };
}
