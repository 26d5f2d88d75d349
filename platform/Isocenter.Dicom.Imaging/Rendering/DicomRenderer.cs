using System.Globalization;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Rendering;

/// <summary>
/// The display pipeline for one frame (PS3.4 N.2): for greyscale, Modality LUT (Modality LUT Sequence, else rescale
/// slope/intercept) → VOI (the caller's window, else the dataset's first window, else its first VOI LUT, else automatic)
/// → Presentation LUT Sequence, MONOCHROME1 / Presentation LUT Shape INVERSE → 8 bits; for colour, RGB as is, YBR_FULL /
/// YBR_FULL_422 / YBR_PARTIAL_422 converted to RGB, PALETTE COLOR through its LUTs, scaled to 8 bits.
/// </summary>
public static class DicomRenderer
{
    /// <summary>Renders a native <paramref name="frame"/> of <paramref name="pixelData"/> (as <c>DicomCodecRegistry.GetFrame</c> returns it).</summary>
    public static RenderedImage Render(DicomPixelData pixelData, ReadOnlySpan<byte> frame, VoiWindow? window = null) =>
        Render(pixelData, frame, window, null);

    /// <summary>
    /// Renders a native <paramref name="frame"/> resized to fit within <paramref name="maxWidth"/>×<paramref name="maxHeight"/>
    /// (see <see cref="FitSize"/>): greyscale is resampled on modality values before the VOI, as DCMTK does, colour on the
    /// 8-bit RGB output; area averaging where the image shrinks, bilinear where it grows.
    /// </summary>
    public static RenderedImage Render(DicomPixelData pixelData, ReadOnlySpan<byte> frame, VoiWindow? window, int maxWidth, int maxHeight) =>
        Render(pixelData, frame, window, FitSize(pixelData, maxWidth, maxHeight));

    private static RenderedImage Render(DicomPixelData pixelData, ReadOnlySpan<byte> frame, VoiWindow? window, (int Width, int Height)? size)
    {
        if (size == (pixelData.Columns, pixelData.Rows))
        {
            size = null;
        }
        var image = pixelData.FramePhotometricInterpretation switch
        {
            "MONOCHROME1" or "MONOCHROME2" => RenderGrey(pixelData, frame, window, size),
            "RGB" or "YBR_FULL" or "YBR_FULL_422" or "YBR_PARTIAL_422" when pixelData.SamplesPerPixel == 3 => RenderColour(pixelData, frame),
            "PALETTE COLOR" when pixelData.SamplesPerPixel == 1 => RenderPalette(pixelData, frame),
            var other => throw new NotSupportedException($"Rendering {other} is not supported yet."),
        };
        return size is not { } to || image.Channels == 1 ? image : Resize(image, to.Width, to.Height);
    }

    /// <summary>
    /// <paramref name="image"/> resized to <paramref name="width"/>×<paramref name="height"/> on its 8-bit output: area
    /// averaging where it shrinks, bilinear where it grows (greyscale is better resized before the VOI: use the sized render).
    /// </summary>
    public static RenderedImage Resize(RenderedImage image, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var resized = ImageResampler.Resize(image.Pixels.Select(p => (double)p).ToArray(), image.Width, image.Height, image.Channels, width, height);
        return new RenderedImage(width, height, image.Channels, [.. resized.Select(v => (byte)Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), 0, 255))]);
    }

    /// <summary>
    /// The largest size within <paramref name="maxWidth"/>×<paramref name="maxHeight"/> with the frame's displayed aspect ratio:
    /// non-square pixels (Pixel Spacing, else Imager Pixel Spacing, else Pixel Aspect Ratio) are shown square, as
    /// <c>dcmj2pnm +a</c> does.
    /// </summary>
    public static (int Width, int Height) FitSize(DicomPixelData pixelData, int maxWidth, int maxHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeight, 1);
        var heightOverWidth = pixelData.Rows * PixelAspect(pixelData.Dataset) / pixelData.Columns;
        var width = maxWidth;
        var height = (int)Math.Round(width * heightOverWidth, MidpointRounding.AwayFromZero);
        if (height > maxHeight)
        {
            height = maxHeight;
            width = (int)Math.Round(height / heightOverWidth, MidpointRounding.AwayFromZero);
        }
        return (Math.Max(width, 1), Math.Max(height, 1));
    }

    /// <summary>Height over width of one pixel.</summary>
    private static double PixelAspect(DicomDataset dataset)
    {
        foreach (var tag in (ReadOnlySpan<DicomTag>)[DicomTag.PixelSpacing, DicomTag.ImagerPixelSpacing, DicomTag.PixelAspectRatio])
        {
            var values = dataset.GetStrings(tag);
            if (values.Length == 2
                && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var vertical) && vertical > 0
                && double.TryParse(values[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var horizontal) && horizontal > 0)
            {
                return vertical / horizontal;
            }
        }
        return 1;
    }

    /// <summary>The window in the dataset (first Window Center/Width and VOI LUT Function), or null.</summary>
    public static VoiWindow? DatasetWindow(DicomDataset dataset)
    {
        var centers = dataset.GetStrings(DicomTag.WindowCenter);
        var widths = dataset.GetStrings(DicomTag.WindowWidth);
        if (centers.Length == 0 || widths.Length == 0
            || !double.TryParse(centers[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var center)
            || !double.TryParse(widths[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var width) || width <= 0)
        {
            return null;
        }
        return new VoiWindow(center, width, VoiWindow.ParseFunction(dataset.GetString(DicomTag.VOILUTFunction)));
    }

    private static double Number(DicomDataset dataset, DicomTag tag, double fallback) =>
        double.TryParse(dataset.GetString(tag)?.Split('\\')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static RenderedImage RenderGrey(DicomPixelData pixelData, ReadOnlySpan<byte> frame, VoiWindow? window, (int Width, int Height)? size)
    {
        var pixels = pixelData.Rows * pixelData.Columns;
        var dataset = pixelData.Dataset;
        var slope = Number(dataset, DicomTag.RescaleSlope, 1);
        var intercept = Number(dataset, DicomTag.RescaleIntercept, 0);
        var modalityLut = dataset.GetSequence(DicomTag.ModalityLUTSequence)?.Items.FirstOrDefault() is { } modalityItem
            ? DicomLut.Read(modalityItem, DicomTag.LUTDescriptor, DicomTag.LUTData, pixelData.IsSigned) : null;
        double Modality(int stored) => modalityLut is null ? stored * slope + intercept : modalityLut.Lookup(stored);
        var stored = new int[pixels];
        int min = int.MaxValue, max = int.MinValue;
        for (var i = 0; i < pixels; i++)
        {
            var value = pixelData.ReadSample(frame, i);
            stored[i] = value;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        window ??= DatasetWindow(dataset);
        var voiLut = window is null && dataset.GetSequence(DicomTag.VOILUTSequence)?.Items.FirstOrDefault() is { } voiItem
            ? DicomLut.Read(voiItem, DicomTag.LUTDescriptor, DicomTag.LUTData, Math.Min(Modality(min), Modality(max)) < 0) : null;
        if (window is null && voiLut is null)
        {
            // Auto-window: the frame's modality value range, as dcmj2pnm +Wm computes it.
            var (low, high) = (Modality(min), Modality(max));
            window = AutoWindow(Math.Min(low, high), Math.Max(low, high));
        }
        var invert = pixelData.PhotometricInterpretation == "MONOCHROME1"
            ^ dataset.GetString(DicomTag.PresentationLUTShape)?.Trim() == "INVERSE";
        // Presentation LUT Sequence (C.11.6): its input range (0 to entries − 1) spans the VOI output range.
        var presentationLut = dataset.GetSequence(DicomTag.PresentationLUTSequence)?.Items.FirstOrDefault() is { } presentationItem
            ? DicomLut.Read(presentationItem, DicomTag.LUTDescriptor, DicomTag.LUTData, signedInput: false) : null;
        byte Pipeline(double modality)
        {
            var y = voiLut is not null ? voiLut.Lookup(modality) * 255.0 / voiLut.MaxOutput : window!.Apply(modality, 255);
            if (presentationLut is not null)
            {
                y = presentationLut.Lookup(Math.Round(y / 255 * (presentationLut.Count - 1), MidpointRounding.AwayFromZero)) * 255.0 / presentationLut.MaxOutput;
            }
            var value = (byte)Math.Clamp(Math.Round(y, MidpointRounding.AwayFromZero), 0, 255);
            return invert ? (byte)(255 - value) : value;
        }
        if (size is { } to)
        {
            var resized = ImageResampler.Resize(stored.Select(v => Modality(v)).ToArray(), pixelData.Columns, pixelData.Rows, 1, to.Width, to.Height);
            return new RenderedImage(to.Width, to.Height, 1, [.. resized.Select(Pipeline)]);
        }
        // One table entry per stored value present in the range: the pipeline runs once per value, not once per pixel.
        var lut = new byte[(long)max - min + 1 <= 1 << 24 ? max - min + 1 : 0];
        for (var v = 0; v < lut.Length; v++)
        {
            lut[v] = Pipeline(Modality(min + v));
        }
        var output = new byte[pixels];
        for (var i = 0; i < pixels; i++)
        {
            output[i] = lut.Length > 0 ? lut[stored[i] - min] : Pipeline(Modality(stored[i]));
        }
        return new RenderedImage(pixelData.Columns, pixelData.Rows, 1, output);
    }

    /// <summary>
    /// A window over the modality values of a greyscale <paramref name="frame"/> that leaves out the darkest and brightest
    /// <paramref name="percent"/> % of pixels (together) — robust to a few outliers such as the padding value around a CT.
    /// </summary>
    public static VoiWindow PercentileWindow(DicomPixelData pixelData, ReadOnlySpan<byte> frame, double percent = 1)
    {
        var pixels = pixelData.Rows * pixelData.Columns;
        var slope = Number(pixelData.Dataset, DicomTag.RescaleSlope, 1);
        var intercept = Number(pixelData.Dataset, DicomTag.RescaleIntercept, 0);
        var values = new double[pixels];
        for (var i = 0; i < pixels; i++)
        {
            values[i] = pixelData.ReadSample(frame, i) * slope + intercept;
        }
        Array.Sort(values);
        var skip = (int)Math.Clamp(pixels * percent / 200, 0, (pixels - 1) / 2);
        return AutoWindow(values[skip], values[pixels - 1 - skip]);
    }

    internal static VoiWindow AutoWindow(double min, double max) =>
        new((min + max) / 2 + 0.5, Math.Max(max - min + 1, 1)); // LINEAR maps [min, max] onto [0, 255] exactly

    private static RenderedImage RenderPalette(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        var dataset = pixelData.Dataset;
        DicomLut[] luts =
        [
            DicomLut.Read(dataset, DicomTag.RedPaletteColorLookupTableDescriptor, DicomTag.RedPaletteColorLookupTableData, pixelData.IsSigned),
            DicomLut.Read(dataset, DicomTag.GreenPaletteColorLookupTableDescriptor, DicomTag.GreenPaletteColorLookupTableData, pixelData.IsSigned),
            DicomLut.Read(dataset, DicomTag.BluePaletteColorLookupTableDescriptor, DicomTag.BluePaletteColorLookupTableData, pixelData.IsSigned),
        ];
        var pixels = pixelData.Rows * pixelData.Columns;
        var output = new byte[pixels * 3];
        for (var p = 0; p < pixels; p++)
        {
            var index = pixelData.ReadSample(frame, p);
            for (var c = 0; c < 3; c++)
            {
                var entry = luts[c].Lookup(index);
                output[p * 3 + c] = (byte)(luts[c].Bits > 8 ? entry >> (luts[c].Bits - 8) : entry);
            }
        }
        return new RenderedImage(pixelData.Columns, pixelData.Rows, 3, output);
    }

    private static RenderedImage RenderColour(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        var pixels = pixelData.Rows * pixelData.Columns;
        var output = new byte[pixels * 3];
        var shift = Math.Max(pixelData.BitsStored - 8, 0);
        var planar = pixelData.PlanarConfiguration == 1;
        var ybr = pixelData.FramePhotometricInterpretation != "RGB";
        var partial = pixelData.FramePhotometricInterpretation == "YBR_PARTIAL_422";
        for (var p = 0; p < pixels; p++)
        {
            int a, b, c;
            if (pixelData.IsNative422)
            {
                // Y1 Y2 Cb Cr for each horizontal pair of pixels.
                var pair = p / 2;
                a = pixelData.ReadSample(frame, pair * 4 + (p & 1));
                b = pixelData.ReadSample(frame, pair * 4 + 2);
                c = pixelData.ReadSample(frame, pair * 4 + 3);
            }
            else if (planar)
            {
                a = pixelData.ReadSample(frame, p);
                b = pixelData.ReadSample(frame, pixels + p);
                c = pixelData.ReadSample(frame, 2 * pixels + p);
            }
            else
            {
                a = pixelData.ReadSample(frame, p * 3);
                b = pixelData.ReadSample(frame, p * 3 + 1);
                c = pixelData.ReadSample(frame, p * 3 + 2);
            }
            a >>= shift;
            b >>= shift;
            c >>= shift;
            if (partial)
            {
                // PS3.3 C.7.6.3.1.2, partial range: Y 16..235, Cb and Cr 16..240.
                var (y, cb, cr) = (1.1644 * (a - 16), b - 128.0, c - 128.0);
                a = Clamp(y + 1.5960 * cr);
                b = Clamp(y - 0.3917 * cb - 0.8129 * cr);
                c = Clamp(y + 2.0172 * cb);
            }
            else if (ybr)
            {
                // PS3.3 C.7.6.3.1.2, full range.
                var (y, cb, cr) = (a, b - 128.0, c - 128.0);
                a = Clamp(y + 1.402 * cr);
                b = Clamp(y - 0.344136 * cb - 0.714136 * cr);
                c = Clamp(y + 1.772 * cb);
            }
            output[p * 3] = (byte)a;
            output[p * 3 + 1] = (byte)b;
            output[p * 3 + 2] = (byte)c;
        }
        return new RenderedImage(pixelData.Columns, pixelData.Rows, 3, output);

        static int Clamp(double value) => (int)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);
    }
}
