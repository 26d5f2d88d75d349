namespace Isocenter.Dicom.Imaging.Rendering;

/// <summary>An 8-bit image ready for display: <see cref="Channels"/> 1 (grey) or 3 (RGB), rows top to bottom, samples interleaved.</summary>
public sealed record RenderedImage(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>The <paramref name="width"/>×<paramref name="height"/> region whose top left pixel is (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public RenderedImage Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > Width || y + height > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"The region {width}×{height} at ({x}, {y}) is not inside the {Width}×{Height} image.");
        }
        var stride = Width * Channels;
        var rowLength = width * Channels;
        var pixels = new byte[rowLength * height];
        for (var row = 0; row < height; row++)
        {
            Pixels.AsSpan((y + row) * stride + x * Channels, rowLength).CopyTo(pixels.AsSpan(row * rowLength));
        }
        return new RenderedImage(width, height, Channels, pixels);
    }
}
