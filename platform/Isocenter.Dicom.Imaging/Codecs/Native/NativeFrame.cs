using System.Buffers.Binary;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.Native;

/// <summary>Checks a native decoder's image against the dataset and lays its samples out as a native frame.</summary>
internal static class NativeFrame
{
    /// <summary>Throws unless the bitstream's size and components match the dataset's (checked before allocating).</summary>
    public static void CheckGeometry(DicomPixelData pixelData, long width, long height, long components, string codec)
    {
        if (width != pixelData.Columns || height != pixelData.Rows || components != pixelData.SamplesPerPixel)
        {
            throw new DicomDataException(
                $"{codec} frame is {width}×{height} with {components} component(s); the dataset says {pixelData.Columns}×{pixelData.Rows} with {pixelData.SamplesPerPixel}.");
        }
    }

    /// <summary>
    /// Writes 8-bit samples, interleaved pixel by pixel (<paramref name="interleaved"/>) or one plane per component, into
    /// <paramref name="frame"/> in the dataset's Planar Configuration and Bits Allocated.
    /// </summary>
    public static void Store8(DicomPixelData pixelData, ReadOnlySpan<byte> samples, bool interleaved, Span<byte> frame)
    {
        var pixels = pixelData.Rows * pixelData.Columns;
        var components = pixelData.SamplesPerPixel;
        var planar = pixelData.PlanarConfiguration == 1 || components == 1;
        if (pixelData.BytesPerSample == 1 && (planar == !interleaved || components == 1))
        {
            samples[..(pixels * components)].CopyTo(frame);
            return;
        }
        for (var c = 0; c < components; c++)
        {
            for (var p = 0; p < pixels; p++)
            {
                var value = samples[interleaved ? p * components + c : c * pixels + p];
                Write(pixelData, frame, planar ? c * pixels + p : p * components + c, value);
            }
        }
    }

    /// <summary>
    /// Writes samples of <paramref name="decodedBytes"/> bytes each (1 or 2, little-endian), interleaved pixel by pixel or one
    /// plane per component, into <paramref name="frame"/> in the dataset's Planar Configuration and Bits Allocated.
    /// </summary>
    public static void Store(DicomPixelData pixelData, ReadOnlySpan<byte> samples, int decodedBytes, bool interleaved, Span<byte> frame)
    {
        if (decodedBytes == 1)
        {
            Store8(pixelData, samples, interleaved, frame);
            return;
        }
        var pixels = pixelData.Rows * pixelData.Columns;
        var components = pixelData.SamplesPerPixel;
        var planar = pixelData.PlanarConfiguration == 1 || components == 1;
        if (pixelData.BytesPerSample == 2 && (planar == !interleaved || components == 1))
        {
            samples[..(pixels * components * 2)].CopyTo(frame);
            return;
        }
        for (var c = 0; c < components; c++)
        {
            for (var p = 0; p < pixels; p++)
            {
                var value = BinaryPrimitives.ReadUInt16LittleEndian(samples[((interleaved ? p * components + c : c * pixels + p) * 2)..]);
                Write(pixelData, frame, planar ? c * pixels + p : p * components + c, value);
            }
        }
    }

    /// <summary>Writes sample <paramref name="index"/> (in native sample order) of <paramref name="frame"/>, little-endian.</summary>
    public static void Write(DicomPixelData pixelData, Span<byte> frame, int index, int value)
    {
        switch (pixelData.BytesPerSample)
        {
            case 1:
                frame[index] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteInt16LittleEndian(frame[(index * 2)..], (short)value);
                break;
            case 4:
                BinaryPrimitives.WriteInt32LittleEndian(frame[(index * 4)..], value);
                break;
            default:
                throw new DicomDataException($"Bits Allocated {pixelData.BitsAllocated} is not supported by the native codecs.");
        }
    }
}
