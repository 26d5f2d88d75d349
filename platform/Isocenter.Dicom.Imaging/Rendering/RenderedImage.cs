namespace Isocenter.Dicom.Imaging.Rendering;

/// <summary>An 8-bit image ready for display: <see cref="Channels"/> 1 (grey) or 3 (RGB), rows top to bottom, samples interleaved.</summary>
public sealed record RenderedImage(int Width, int Height, int Channels, byte[] Pixels);
