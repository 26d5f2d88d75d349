namespace Isocenter.Cli.Demo;

/// <summary>
/// A torso phantom in Hounsfield units, drawn slice by slice: body with a fat layer, lungs with vessels, heart with a
/// contrast-filled chamber, aorta, spine (vertebral bodies, discs, canal, posterior elements), ribs, sternum, liver,
/// spleen, kidneys, bowel gas and the patient table. Anatomy changes along z so a series looks like a chest-abdomen scan.
/// </summary>
/// <remarks>
/// Coordinates are patient-based (LPS, millimetres): +x is the patient's left (the right of the image), +y posterior (down
/// in the image). Shapes are ellipses painted row by row in order, so every slice costs one span fill per shape and row.
/// </remarks>
internal static class CtPhantom
{
    /// <summary>The scanned length of the trunk, in millimetres, that <c>t</c> = 0..1 spans (apex of the lungs to the pelvis).</summary>
    public const double TrunkLength = 400;

    private const short Air = -1000;

    /// <summary>
    /// Draws the slice at <paramref name="z"/> mm below the lung apex into <paramref name="hu"/> (row-major, <paramref name="size"/>²),
    /// with noise from <paramref name="noiseSeed"/>.
    /// </summary>
    public static void Render(Span<short> hu, int size, double pixelSpacing, double z, ulong noiseSeed)
    {
        var canvas = new Canvas(hu, size, pixelSpacing);
        canvas.Fill(Air);
        var t = Math.Clamp(z / TrunkLength, 0, 1);

        // Table under the patient, then the body: fat, then muscle and organs inside.
        canvas.Rectangle(-170, 140, 170, 148, 250);
        canvas.Rectangle(-160, 132, 160, 140, -120);
        var a = 168 - 18 * t + 12 * Math.Sin(Math.PI * t);
        var b = 112 + 6 * Math.Sin(Math.PI * t);
        canvas.Ellipse(0, 18, a, b, -100);
        canvas.Ellipse(0, 18, a - 12, b - 12, 40);

        // Abdomen: liver (right, image left), spleen, kidneys, bowel with gas.
        var liver = Window(t, 0.42, 0.55, 0.80, 0.92);
        canvas.Ellipse(-55, 10, 90 * liver, 78 * liver, 62);
        var spleen = Window(t, 0.48, 0.55, 0.70, 0.78);
        canvas.Ellipse(88, 30, 30 * spleen, 45 * spleen, 48);
        var kidney = Window(t, 0.62, 0.68, 0.85, 0.92);
        canvas.Ellipse(-66, 62, 24 * kidney, 36 * kidney, 160);
        canvas.Ellipse(66, 62, 24 * kidney, 36 * kidney, 160);
        canvas.Ellipse(-66, 62, 10 * kidney, 16 * kidney, 20);
        canvas.Ellipse(66, 62, 10 * kidney, 16 * kidney, 20);
        var bowel = Window(t, 0.72, 0.82, 1.0, 1.1);
        for (var i = 0; i < 7 && bowel > 0; i++)
        {
            var angle = i * 0.9 + z / 45;
            canvas.Ellipse(
                25 * Math.Cos(angle * 1.3) + 50 * Math.Cos(i * 2.1),
                -25 + 30 * Math.Sin(angle) + 10 * Math.Sin(i * 1.7),
                (8 + (i % 3) * 4) * bowel,
                (7 + (i % 2) * 5) * bowel,
                -900);
        }

        // Thorax: lungs with vessels, heart with a contrast-filled chamber, sternum, ribs.
        var lung = Math.Sqrt(Math.Sin(Math.PI * Math.Clamp(t / 0.55, 0, 1)));
        foreach (var side in (ReadOnlySpan<int>)[-1, 1])
        {
            var cx = side * 68.0;
            var la = (side < 0 ? 60 : 55) * lung;
            var lb = 76 * lung;
            canvas.Ellipse(cx, 5, la, lb, -830);
            for (var v = 0; v < 6 && lung > 0.3; v++)
            {
                var phase = v * 1.05 + side;
                canvas.Ellipse(
                    cx + 0.6 * la * Math.Cos(phase + z / 90),
                    5 + 0.6 * lb * Math.Sin(phase * 1.7 + z / 70),
                    2.5 + v % 3,
                    2.5 + v % 3,
                    -60);
            }
        }
        var heart = Window(t, 0.18, 0.28, 0.42, 0.52);
        canvas.Ellipse(22, -18, 58 * heart, 46 * heart, 45);
        canvas.Ellipse(28, -20, 32 * heart, 24 * heart, 260);
        var sternum = Window(t, 0.02, 0.05, 0.42, 0.47);
        canvas.Ellipse(0, 18 - b + 16, 16 * sternum, 7 * sternum, 520);
        if (t < 0.62)
        {
            for (var k = 0; k < 16; k++)
            {
                // Ribs cross a slice in patches: each rib shows in about half of the slices around its level.
                var period = 24.0;
                if ((z + k * 7.3) % period > period / 2)
                {
                    continue;
                }
                var side = k < 8 ? -1 : 1;
                var angle = Math.PI / 2 + side * (0.55 + (k % 8) * 0.3 + 0.08 * Math.Sin(z / 30));
                canvas.Ellipse((a - 24) * Math.Cos(angle), 18 + (b - 22) * Math.Sin(angle), 6, 5, 680);
            }
        }

        // Aorta and spine, present all the way down.
        canvas.Ellipse(18, 32, 12, 12, 210);
        var disc = z % 32 < 5;
        if (disc)
        {
            canvas.Ellipse(0, 64, 19, 16, 90);
        }
        else
        {
            canvas.Ellipse(0, 88, 15, 14, 620);
            canvas.Ellipse(0, 110, 5, 13, 640);
            canvas.Ellipse(0, 64, 19, 16, 720);
            canvas.Ellipse(0, 64, 16, 13, 260);
        }
        canvas.Ellipse(0, 88, 8, 8, 15);

        AddNoise(hu, noiseSeed);
    }

    /// <summary>0 outside [<paramref name="start"/>, <paramref name="end"/>], 1 between the plateaus, smooth in between.</summary>
    private static double Window(double t, double start, double plateauStart, double plateauEnd, double end) =>
        t <= start || t >= end ? 0
        : t < plateauStart ? Math.Sqrt(Math.Sin(Math.PI / 2 * (t - start) / (plateauStart - start)))
        : t > plateauEnd ? Math.Sqrt(Math.Sin(Math.PI / 2 * (end - t) / (end - plateauEnd)))
        : 1;

    /// <summary>Adds roughly Gaussian noise (sigma about 12 HU), from a SplitMix64 stream so every slice is reproducible on its own.</summary>
    private static void AddNoise(Span<short> hu, ulong seed)
    {
        var state = seed;
        for (var i = 0; i < hu.Length; i++)
        {
            var r = Next(ref state);
            // Sum of four 16-bit uniforms: mean 2 * 65535, sigma about 37800; scale to about 12 HU.
            var sum = (long)(r & 0xFFFF) + (long)((r >> 16) & 0xFFFF) + (long)((r >> 32) & 0xFFFF) + (long)(r >> 48);
            hu[i] = (short)(hu[i] + (sum - 2 * 65535) / 3150);
        }

        static ulong Next(ref ulong s)
        {
            var z = s += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private readonly ref struct Canvas(Span<short> pixels, int size, double spacing)
    {
        private readonly Span<short> _pixels = pixels;

        // Pixel centres: column c is at x = (c - Centre) * spacing.
        private double Centre => (size - 1) / 2.0;

        public void Fill(short value) => _pixels.Fill(value);

        public void Ellipse(double cx, double cy, double a, double b, short value)
        {
            if (a <= 0 || b <= 0)
            {
                return;
            }
            var (firstRow, lastRow) = Range(cy - b, cy + b);
            for (var row = firstRow; row <= lastRow; row++)
            {
                var dy = ((row - Centre) * spacing - cy) / b;
                var half = a * Math.Sqrt(Math.Max(0, 1 - dy * dy));
                var (first, last) = Range(cx - half, cx + half);
                if (first <= last)
                {
                    _pixels.Slice(row * size + first, last - first + 1).Fill(value);
                }
            }
        }

        public void Rectangle(double x0, double y0, double x1, double y1, short value)
        {
            var (firstRow, lastRow) = Range(y0, y1);
            var (first, last) = Range(x0, x1);
            for (var row = firstRow; row <= lastRow && first <= last; row++)
            {
                _pixels.Slice(row * size + first, last - first + 1).Fill(value);
            }
        }

        // The pixels whose centres lie within [from, to] millimetres, clipped to the image.
        private (int First, int Last) Range(double from, double to) =>
            (Math.Max(0, (int)Math.Ceiling(from / spacing + Centre)), Math.Min(size - 1, (int)Math.Floor(to / spacing + Centre)));
    }
}
