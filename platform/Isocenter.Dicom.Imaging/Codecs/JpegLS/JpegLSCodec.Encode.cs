using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Codecs.Native;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.JpegLS;

public sealed partial class JpegLSCodec
{
    private const int InterleaveSample = 2; // CHARLS_INTERLEAVE_MODE_SAMPLE

    /// <summary>
    /// A JPEG-LS codec for <paramref name="transferSyntax"/>; Near-Lossless (…4.81) encodes with the maximum error
    /// <paramref name="nearLossless"/> (NEAR, <c>dcmcjpls</c>'s default is 2), Lossless (…4.80) with 0.
    /// </summary>
    public JpegLSCodec(DicomTransferSyntax transferSyntax, int nearLossless = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nearLossless);
        TransferSyntax = transferSyntax;
        NearLossless = transferSyntax.IsLossy ? nearLossless : 0;
    }

    /// <summary>The largest difference allowed between an encoded and a decoded sample (NEAR); 0 for the lossless syntax.</summary>
    public int NearLossless { get; }

    /// <summary>
    /// Encodes a frame of Bits Allocated 8 or 16 with Bits Stored bits per sample (signed samples as their Bits Stored-bit
    /// two's complement pattern, as DICOM requires; lossless only), 1–4 components: sample-interleaved for Planar Configuration 0,
    /// one scan per component for 1. No colour transform (the HP transforms are not allowed in DICOM).
    /// </summary>
    public byte[] Encode(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        if (pixelData.BitsAllocated is not (8 or 16) || pixelData.BitsStored < 2 || pixelData.SamplesPerPixel > 4 || pixelData.IsNative422)
        {
            throw new NotSupportedException($"{TransferSyntax.Name} encoding needs Bits Allocated 8 or 16, Bits Stored 2–16 and 1–4 samples: {pixelData}.");
        }
        if (NearLossless > 0 && pixelData.IsSigned)
        {
            // Reconstruction is within NEAR of the unsigned bit pattern: the largest positive value could come back as the
            // most negative one. DCMTK's dcmcjpls refuses signed near-lossless too.
            throw new NotSupportedException(
                $"{TransferSyntax.Name} encoding of signed samples is refused: an error of NEAR on the two's complement pattern can turn the largest positive value into the most negative. Use JPEG-LS lossless or JPEG 2000.");
        }
        NativeCodecLibrary.Require(NativeCodecLibrary.CharLS, TransferSyntax);
        var values = NativeSamples.Read(pixelData, frame);
        var bytes = pixelData.BitsStored > 8 ? 2 : 1;
        var mask = (1 << pixelData.BitsStored) - 1;
        var source = new byte[values.Length * bytes];
        for (var i = 0; i < values.Length; i++)
        {
            if (bytes == 1)
            {
                source[i] = (byte)(values[i] & mask);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(source.AsSpan(i * 2), (ushort)(values[i] & mask));
            }
        }
        var encoder = CharLSEncoder.charls_jpegls_encoder_create();
        if (encoder == IntPtr.Zero)
        {
            throw new DicomDataException("charls_jpegls_encoder_create failed.");
        }
        try
        {
            var info = new FrameInfo
            {
                Width = (uint)pixelData.Columns,
                Height = (uint)pixelData.Rows,
                BitsPerSample = pixelData.BitsStored,
                ComponentCount = pixelData.SamplesPerPixel,
            };
            Check(CharLSEncoder.charls_jpegls_encoder_set_frame_info(encoder, in info), "setting the frame info");
            Check(CharLSEncoder.charls_jpegls_encoder_set_near_lossless(encoder, NearLossless), "setting NEAR");
            var interleave = pixelData.SamplesPerPixel > 1 && pixelData.PlanarConfiguration == 0 ? InterleaveSample : InterleaveNone;
            Check(CharLSEncoder.charls_jpegls_encoder_set_interleave_mode(encoder, interleave), "setting the interleave mode");
            Check(CharLSEncoder.charls_jpegls_encoder_get_estimated_destination_size(encoder, out var size), "sizing the destination");
            var destination = GC.AllocateUninitializedArray<byte>(checked((int)size), pinned: true); // CharLS keeps the pointer until encoding
            Check(CharLSEncoder.charls_jpegls_encoder_set_destination_buffer(encoder, ref destination[0], size), "setting the destination");
            Check(CharLSEncoder.charls_jpegls_encoder_encode_from_buffer(encoder, in source[0], (nuint)source.Length, 0), "encoding");
            Check(CharLSEncoder.charls_jpegls_encoder_get_bytes_written(encoder, out var written), "counting the bytes written");
            return destination[..checked((int)written)];
        }
        finally
        {
            CharLSEncoder.charls_jpegls_encoder_destroy(encoder);
        }
    }

    private static class CharLSEncoder
    {
        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern IntPtr charls_jpegls_encoder_create();

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern void charls_jpegls_encoder_destroy(IntPtr encoder);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_encoder_set_frame_info(IntPtr encoder, in FrameInfo frameInfo);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_encoder_set_near_lossless(IntPtr encoder, int nearLossless);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_encoder_set_interleave_mode(IntPtr encoder, int interleaveMode);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_encoder_get_estimated_destination_size(IntPtr encoder, out nuint sizeInBytes);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_encoder_set_destination_buffer(IntPtr encoder, ref byte destination, nuint destinationSize);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_encoder_encode_from_buffer(IntPtr encoder, in byte source, nuint sourceSize, uint stride);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_encoder_get_bytes_written(IntPtr encoder, out nuint bytesWritten);
    }
}
