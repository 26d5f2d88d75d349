using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs;

/// <summary>Decodes and encodes the frames of one encapsulated transfer syntax. Add a class to add a codec.</summary>
public interface IDicomCodec
{
    /// <summary>The transfer syntax this codec reads and writes.</summary>
    DicomTransferSyntax TransferSyntax { get; }

    /// <summary>
    /// Decodes one frame's bitstream into <paramref name="frame"/> (<see cref="DicomPixelData.FrameLength"/> bytes), laid out
    /// as a native frame of <paramref name="pixelData"/>: little-endian samples of Bits Allocated, in its Planar Configuration.
    /// </summary>
    void Decode(DicomPixelData pixelData, ReadOnlySpan<byte> encoded, Span<byte> frame);

    /// <summary>Encodes one native frame laid out as <see cref="Decode"/> writes it; the result is one frame's bitstream.</summary>
    byte[] Encode(DicomPixelData pixelData, ReadOnlySpan<byte> frame);
}
