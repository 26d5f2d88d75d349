using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Thumbnails;

/// <summary>Shrinks a rendered image to fit a square, keeping its aspect ratio, by area averaging (each output pixel is the mean of the source area it covers).</summary>
internal static class ThumbnailScaler
{
    /// <summary><paramref name="image"/> scaled so that its long side is at most <paramref name="maxSize"/>; never enlarged.</summary>
    public static RenderedImage Fit(RenderedImage image, int maxSize)
    {
        var scale = (double)maxSize / Math.Max(image.Width, image.Height);
        if (scale >= 1)
        {
            return image;
        }
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        var channels = image.Channels;
        var columns = Weights(image.Width, width);
        var rows = Weights(image.Height, height);
        // Columns first, into floats, then rows, rounding once.
        var narrow = new float[image.Height * width * channels];
        for (var y = 0; y < image.Height; y++)
        {
            var source = image.Pixels.AsSpan(y * image.Width * channels, image.Width * channels);
            for (var x = 0; x < width; x++)
            {
                var (first, weights) = columns[x];
                for (var c = 0; c < channels; c++)
                {
                    var sum = 0f;
                    for (var i = 0; i < weights.Length; i++)
                    {
                        sum += source[(first + i) * channels + c] * weights[i];
                    }
                    narrow[(y * width + x) * channels + c] = sum;
                }
            }
        }
        var output = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
        {
            var (first, weights) = rows[y];
            for (var x = 0; x < width * channels; x++)
            {
                var sum = 0f;
                for (var i = 0; i < weights.Length; i++)
                {
                    sum += narrow[(first + i) * width * channels + x] * weights[i];
                }
                output[y * width * channels + x] = (byte)Math.Clamp(MathF.Round(sum, MidpointRounding.AwayFromZero), 0, 255);
            }
        }
        return new RenderedImage(width, height, channels, output);
    }

    // For each output index, the first source index it covers and the share of each covered source pixel (summing to 1).
    private static (int First, float[] Weights)[] Weights(int sourceLength, int length)
    {
        var ratio = (double)sourceLength / length;
        var result = new (int, float[])[length];
        for (var o = 0; o < length; o++)
        {
            var start = o * ratio;
            var end = Math.Min((o + 1) * ratio, sourceLength);
            var first = (int)Math.Floor(start);
            var last = Math.Min((int)Math.Ceiling(end), sourceLength) - 1;
            var weights = new float[last - first + 1];
            for (var s = first; s <= last; s++)
            {
                weights[s - first] = (float)((Math.Min(end, s + 1) - Math.Max(start, s)) / ratio);
            }
            result[o] = (first, weights);
        }
        return result;
    }
}
