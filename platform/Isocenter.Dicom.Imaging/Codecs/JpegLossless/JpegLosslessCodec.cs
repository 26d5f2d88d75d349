using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.JpegLossless;

/// <summary>JPEG Lossless, non-hierarchical, process 14 (ITU-T T.81 Annex H), any predictor; also its selection value 1 syntax.</summary>
/// <remarks>Encoding always uses selection value 1 (valid in both syntaxes); <c>restartRows</c> &gt; 0 adds a restart marker every that many rows.</remarks>
public sealed class JpegLosslessCodec(DicomTransferSyntax transferSyntax, int restartRows = 0) : IDicomCodec
{
    public DicomTransferSyntax TransferSyntax { get; } = transferSyntax;

    public void Decode(DicomPixelData pixelData, ReadOnlySpan<byte> encoded, Span<byte> frame)
    {
        var image = JpegLosslessDecoder.Decode(encoded, (long)pixelData.Rows * pixelData.Columns * pixelData.SamplesPerPixel);
        if (image.Width != pixelData.Columns || image.Height != pixelData.Rows || image.Components != pixelData.SamplesPerPixel)
        {
            throw new DicomDataException($"The JPEG frame is {image.Width}×{image.Height}×{image.Components}; the dataset says {pixelData}.");
        }
        var samples = image.Samples;
        var pixels = image.Width * image.Height;
        var components = image.Components;
        var planar = pixelData.PlanarConfiguration == 1;
        var bytes = pixelData.BytesPerSample;
        if (components == 1 && bytes == 2 && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(samples.AsSpan(0, pixels)).CopyTo(frame);
            return;
        }
        for (var c = 0; c < components; c++)
        {
            for (var p = 0; p < pixels; p++)
            {
                var value = samples[p * components + c];
                var index = planar ? c * pixels + p : p * components + c;
                if (bytes == 1)
                {
                    frame[index] = (byte)value;
                }
                else
                {
                    frame[index * bytes] = (byte)value;
                    frame[index * bytes + 1] = (byte)(value >> 8);
                }
            }
        }
    }

    public byte[] Encode(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        if (pixelData.BitsAllocated is not (8 or 16) || pixelData.BitsStored < 2 || pixelData.HighBit != pixelData.BitsStored - 1
            || pixelData.IsNative422)
        {
            throw new NotSupportedException($"JPEG Lossless encoding needs Bits Allocated 8 or 16 and High Bit = Bits Stored - 1: {pixelData}.");
        }
        var pixels = pixelData.Rows * pixelData.Columns;
        var components = pixelData.SamplesPerPixel;
        var mask = (1 << pixelData.BitsStored) - 1;
        var samples = new ushort[pixels * components];
        for (var p = 0; p < pixels; p++)
        {
            for (var c = 0; c < components; c++)
            {
                var index = pixelData.PlanarConfiguration == 1 ? c * pixels + p : p * components + c;
                var value = pixelData.BytesPerSample == 1 ? frame[index] : frame[index * 2] | frame[index * 2 + 1] << 8;
                samples[p * components + c] = (ushort)(value & mask);
            }
        }
        return JpegLosslessEncoder.Encode(samples, pixelData.Columns, pixelData.Rows, components, pixelData.BitsStored, restartRows);
    }
}
