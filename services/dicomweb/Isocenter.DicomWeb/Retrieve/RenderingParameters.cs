using System.Globalization;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.DicomWeb.Retrieve;

/// <summary>The source region of a viewport (PS3.18 8.3.5.1.3): top left pixel and size, in pixels of the frame.</summary>
internal sealed record SourceRegion(int X, int Y, int Width, int Height);

/// <summary>
/// The query parameters of rendered resources (PS3.18 8.3.5.1): <c>window=center,width[,function]</c> (function
/// <c>linear</c>, <c>linear-exact</c> or <c>sigmoid</c>), <c>viewport=vw,vh[,sx,sy,sw,sh]</c> (the image is scaled to fit
/// vw×vh with its aspect kept; the source region, when given, is cropped first and must lie inside the frame, flips by
/// negative sw or sh are not supported), <c>quality=1..100</c> (JPEG). <c>annotation</c> and <c>iccprofile</c> are
/// accepted and ignored: nothing is burnt in, and images carry no ICC profile.
/// </summary>
internal sealed record RenderingParameters(VoiWindow? Window, int? ViewportWidth, int? ViewportHeight, SourceRegion? Source, int? Quality)
{
    /// <summary>The parameters of <paramref name="query"/>; 400 for a malformed one.</summary>
    public static RenderingParameters Parse(IQueryCollection query)
    {
        var viewport = ParseViewport(query["viewport"]);
        return new(ParseWindow(query["window"]), viewport?[0], viewport?[1],
            viewport is [_, _, var x, var y, var width, var height] ? new SourceRegion(x, y, width, height) : null, ParseQuality(query["quality"]));
    }

    private static VoiWindow? ParseWindow(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var parts = value.Split(',');
        if (parts.Length is < 2 or > 3 || !TryNumber(parts[0], out var center) || !TryNumber(parts[1], out var width) || width <= 0)
        {
            throw DicomWebException.BadRequest($"window={value}: expected center,width[,function] with a positive width (PS3.18 8.3.5.1.4).");
        }
        var function = parts.Length == 2 ? VoiLutFunction.Linear : parts[2].Trim().ToLowerInvariant() switch
        {
            "linear" => VoiLutFunction.Linear,
            "linear-exact" => VoiLutFunction.LinearExact,
            "sigmoid" => VoiLutFunction.Sigmoid,
            _ => throw DicomWebException.BadRequest($"window={value}: the function is linear, linear-exact or sigmoid (PS3.18 8.3.5.1.4)."),
        };
        return new VoiWindow(center, width, function);
    }

    private static int[]? ParseViewport(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var numbers = value.Split(',').Select(n => int.TryParse(n.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : (int?)null).ToArray();
        if (numbers.Length is not (2 or 6) || numbers.Any(n => n is null) || numbers[0] < 1 || numbers[1] < 1 || numbers[0] > 4096 || numbers[1] > 4096
            || numbers.Length == 6 && (numbers[2] < 0 || numbers[3] < 0 || numbers[4] < 1 || numbers[5] < 1))
        {
            throw DicomWebException.BadRequest($"viewport={value}: expected vw,vh (1 to 4096) or vw,vh,sx,sy,sw,sh with sx, sy ≥ 0 and sw, sh ≥ 1 (PS3.18 8.3.5.1.3).");
        }
        return [.. numbers.Select(n => n!.Value)];
    }

    private static int? ParseQuality(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var quality) && quality is >= 1 and <= 100 ? quality
            : throw DicomWebException.BadRequest($"quality={value}: expected 1 to 100 (PS3.18 8.3.5.1.2).");
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
