using System.Globalization;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Png;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Cli.Render;

/// <summary>
/// `isocenter render FILE [--frame N] [--window C,W|minmax|percentile] [--size WxH] --out X.png|X.jpg`: one frame through the
/// display pipeline to PNG or JPEG. Without --window: the dataset's window, else its VOI LUT, else min/max. --size fits the
/// image within W×H keeping its displayed aspect (non-square pixels shown square).
/// </summary>
internal static class RenderCommand
{
    public const string Usage = "render FILE [--frame N] [--window C,W|minmax|percentile] [--size WxH] --out X.png|X.jpg";

    public static int Run(IReadOnlyList<string> args)
    {
        string? input = null, output = null;
        var frame = 1;
        VoiWindow? window = null;
        string? autoWindow = null;
        (int Width, int Height)? size = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--frame" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out frame):
                    i++;
                    break;
                case "--window" when i + 1 < args.Count && args[i + 1] is "minmax" or "percentile":
                    autoWindow = args[++i];
                    break;
                case "--window" when i + 1 < args.Count && ParseWindow(args[i + 1]) is { } parsed:
                    window = parsed;
                    i++;
                    break;
                case "--size" when i + 1 < args.Count && ParseSize(args[i + 1]) is { } parsedSize:
                    size = parsedSize;
                    i++;
                    break;
                case "--out" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                case var path when input is null && !path.StartsWith('-'):
                    input = path;
                    break;
                default:
                    Console.Error.WriteLine($"isocenter render: unexpected argument '{args[i]}'\nusage: isocenter {Usage}");
                    return 2;
            }
        }
        if (input is null || output is null)
        {
            Console.Error.WriteLine($"usage: isocenter {Usage}");
            return 2;
        }
        var pixelData = DicomPixelData.Create(DicomFile.Open(input));
        if (frame < 1 || frame > pixelData.NumberOfFrames)
        {
            Console.Error.WriteLine($"isocenter render: frame {frame} is out of range 1..{pixelData.NumberOfFrames}");
            return 2;
        }
        var pixels = DicomCodecRegistry.CreateDefault().GetFrame(pixelData, frame - 1);
        window = autoWindow switch
        {
            "percentile" => DicomRenderer.PercentileWindow(pixelData, pixels, percent: 1),
            "minmax" => DicomRenderer.PercentileWindow(pixelData, pixels, percent: 0),
            _ => window,
        };
        var image = size is { } box
            ? DicomRenderer.Render(pixelData, pixels, window, box.Width, box.Height)
            : DicomRenderer.Render(pixelData, pixels, window);
        if (Path.GetExtension(output).ToUpperInvariant() is ".JPG" or ".JPEG")
        {
            File.WriteAllBytes(output, JpegEncoder.Encode(image));
            return 0;
        }
        using var stream = File.Create(output);
        PngEncoder.Write(image, stream);
        return 0;
    }

    private static (int Width, int Height)? ParseSize(string text)
    {
        var parts = text.Split('x');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width is > 0 and <= 16384
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height) && height is > 0 and <= 16384
            ? (width, height) : null;
    }

    private static VoiWindow? ParseWindow(string text)
    {
        var parts = text.Split(',');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var center)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var width) && width > 0
            ? new VoiWindow(center, width) : null;
    }
}
