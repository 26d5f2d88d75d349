using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Codecs.Jpeg2000;
using Isocenter.Dicom.Imaging.Codecs.JpegLossless;
using Isocenter.Dicom.Imaging.Codecs.JpegLS;
using Isocenter.Dicom.Imaging.Codecs.Rle;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs;

/// <summary>Codecs keyed by transfer syntax UID. Create one (usually <see cref="CreateDefault"/>) and pass it where frames are decoded.</summary>
public sealed class DicomCodecRegistry
{
    private readonly Dictionary<string, IDicomCodec> _codecs = new(StringComparer.Ordinal);

    /// <summary>
    /// A registry with the codecs written in C# (RLE Lossless, JPEG Lossless process 14 and its selection value 1) and the
    /// native-library decoders (JPEG Baseline/Extended through libturbojpeg, JPEG-LS through CharLS, JPEG 2000 and HTJ2K through OpenJPEG), which throw a <see cref="DicomDataException"/>
    /// naming the Debian package when their library is absent.
    /// </summary>
    public static DicomCodecRegistry CreateDefault() => new DicomCodecRegistry()
        .Add(new RleCodec())
        .Add(new JpegLosslessCodec(DicomTransferSyntax.JPEGLossless))
        .Add(new JpegLosslessCodec(DicomTransferSyntax.JPEGLosslessSV1))
        .Add(new JpegCodec(DicomTransferSyntax.JPEGBaseline8Bit))
        .Add(new JpegCodec(DicomTransferSyntax.JPEGExtended12Bit))
        .Add(new JpegLSCodec(DicomTransferSyntax.JPEGLSLossless))
        .Add(new JpegLSCodec(DicomTransferSyntax.JPEGLSNearLossless))
        .Add(new Jpeg2000Codec(DicomTransferSyntax.JPEG2000Lossless))
        .Add(new Jpeg2000Codec(DicomTransferSyntax.JPEG2000))
        .Add(new Jpeg2000Codec(DicomTransferSyntax.HTJ2KLossless))
        .Add(new Jpeg2000Codec(DicomTransferSyntax.HTJ2KLosslessRPCL))
        .Add(new Jpeg2000Codec(DicomTransferSyntax.HTJ2K));

    /// <summary>Adds or replaces the codec for its transfer syntax.</summary>
    public DicomCodecRegistry Add(IDicomCodec codec)
    {
        _codecs[codec.TransferSyntax.Uid] = codec;
        return this;
    }

    /// <summary>The codec for <paramref name="transferSyntax"/>, or null.</summary>
    public IDicomCodec? Find(DicomTransferSyntax transferSyntax) => _codecs.GetValueOrDefault(transferSyntax.Uid);

    /// <summary>The transfer syntaxes with a codec.</summary>
    public IEnumerable<string> TransferSyntaxUids => _codecs.Keys;

    /// <summary>Frame <paramref name="index"/> of <paramref name="pixelData"/> as a native frame, decoding it when it is encapsulated.</summary>
    public byte[] GetFrame(DicomPixelData pixelData, int index)
    {
        if (!pixelData.IsEncapsulated)
        {
            return pixelData.GetNativeFrame(index);
        }
        var codec = Find(pixelData.TransferSyntax)
            ?? throw new DicomDataException($"No codec for {pixelData.TransferSyntax}; available: {string.Join(", ", _codecs.Values.Select(c => c.TransferSyntax.Name))}.");
        var frame = new byte[pixelData.FrameLength];
        codec.Decode(pixelData, pixelData.GetEncodedFrame(index).Span, frame);
        return frame;
    }
}
