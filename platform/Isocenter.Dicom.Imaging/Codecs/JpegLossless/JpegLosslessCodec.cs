using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.JpegLossless;

/// <summary>JPEG Lossless, non-hierarchical, process 14 (ITU-T T.81 Annex H), any predictor; also its selection value 1 syntax.</summary>
public sealed class JpegLosslessCodec(DicomTransferSyntax transferSyntax) : IDicomCodec
{
    public DicomTransferSyntax TransferSyntax { get; } = transferSyntax;

    public void Decode(DicomPixelData pixelData, ReadOnlySpan<byte> encoded, Span<byte> frame)
    {
        var image = JpegLosslessDecoder.Decode(encoded);
        if (image.Width != pixelData.Columns || image.Height != pixelData.Rows || image.Components != pixelData.SamplesPerPixel)
        {
            throw new DicomDataException($"The JPEG frame is {image.Width}×{image.Height}×{image.Components}; the dataset says {pixelData}.");
        }
        var samples = image.Samples;
        var pixels = image.Width * image.Height;
        var components = image.Components;
        var planar = pixelData.PlanarConfiguration == 1;
        var bytes = pixelData.BytesPerSample;
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

    public byte[] Encode(DicomPixelData pixelData, ReadOnlySpan<byte> frame) =>
        throw new NotSupportedException("Encoding JPEG Lossless is not implemented yet.");
}
