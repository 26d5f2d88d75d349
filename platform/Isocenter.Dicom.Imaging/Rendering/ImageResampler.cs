namespace Isocenter.Dicom.Imaging.Rendering;

/// <summary>
/// Resizes an image of samples, each axis on its own: area averaging where the axis shrinks (every source pixel weighs the
/// part of the destination pixel it covers, as DCMTK's <c>+i 2</c> reduction), bilinear interpolation between pixel centres
/// where it grows.
/// </summary>
internal static class ImageResampler
{
    /// <summary><paramref name="source"/> (<paramref name="width"/>×<paramref name="height"/>×<paramref name="channels"/>, interleaved) at the new size.</summary>
    public static double[] Resize(ReadOnlySpan<double> source, int width, int height, int channels, int newWidth, int newHeight)
    {
        var columns = Weights(width, newWidth);
        var rows = Weights(height, newHeight);
        // Horizontal pass into an intermediate newWidth × height image, then the vertical pass.
        var horizontal = new double[newWidth * height * channels];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < newWidth; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var sum = 0.0;
                    foreach (var (index, weight) in columns[x])
                    {
                        sum += source[(y * width + index) * channels + c] * weight;
                    }
                    horizontal[(y * newWidth + x) * channels + c] = sum;
                }
            }
        }
        var result = new double[newWidth * newHeight * channels];
        var stride = newWidth * channels;
        for (var y = 0; y < newHeight; y++)
        {
            foreach (var (index, weight) in rows[y])
            {
                for (var i = 0; i < stride; i++)
                {
                    result[y * stride + i] += horizontal[index * stride + i] * weight;
                }
            }
        }
        return result;
    }

    /// <summary>For each destination index, the source indices and weights (summing to 1) it is made of.</summary>
    private static (int Index, double Weight)[][] Weights(int size, int newSize)
    {
        var weights = new (int, double)[newSize][];
        var scale = (double)size / newSize;
        for (var d = 0; d < newSize; d++)
        {
            if (newSize <= size)
            {
                // Destination pixel d covers source [d·scale, (d+1)·scale).
                var start = d * scale;
                var end = (d + 1) * scale;
                var list = new List<(int, double)>();
                for (var s = (int)start; s < Math.Min(size, (int)Math.Ceiling(end)); s++)
                {
                    var overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                    if (overlap > 0)
                    {
                        list.Add((s, overlap / scale));
                    }
                }
                weights[d] = [.. list];
            }
            else
            {
                // Centre of destination pixel d in source pixel coordinates, clamped to the outer centres.
                var position = Math.Clamp((d + 0.5) * scale - 0.5, 0, size - 1);
                var left = Math.Min((int)position, size - 1);
                var fraction = position - left;
                weights[d] = left + 1 < size && fraction > 0 ? [(left, 1 - fraction), (left + 1, fraction)] : [(left, 1)];
            }
        }
        return weights;
    }
}
