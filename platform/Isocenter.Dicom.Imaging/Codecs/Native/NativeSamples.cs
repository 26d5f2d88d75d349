using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.Native;

/// <summary>Reads a native frame's samples for the native encoders.</summary>
internal static class NativeSamples
{
    /// <summary>Every sample of <paramref name="frame"/> in native order, masked to Bits Stored below High Bit and sign-extended when signed.</summary>
    public static int[] Read(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        var values = new int[pixelData.Rows * pixelData.Columns * pixelData.SamplesPerPixel];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = pixelData.ReadSample(frame, i);
        }
        return values;
    }

    /// <summary>A native frame with its samples interleaved pixel by pixel (R1G1B1R2…), whatever the dataset's Planar Configuration.</summary>
    public static ReadOnlySpan<byte> Interleaved(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        var components = pixelData.SamplesPerPixel;
        if (components == 1 || pixelData.PlanarConfiguration == 0)
        {
            return frame;
        }
        var pixels = pixelData.Rows * pixelData.Columns;
        var size = pixelData.BytesPerSample;
        var interleaved = new byte[pixels * components * size];
        for (var c = 0; c < components; c++)
        {
            for (var p = 0; p < pixels; p++)
            {
                frame.Slice((c * pixels + p) * size, size).CopyTo(interleaved.AsSpan((p * components + c) * size));
            }
        }
        return interleaved;
    }
}
