using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Codecs.Native;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.JpegLS;

/// <summary>
/// JPEG-LS Lossless (…4.80) and Near-Lossless (…4.81) decoder through the CharLS 2 C API (Debian package libcharls2):
/// 2–16 bits, 1–4 components, any interleave mode (CharLS returns planes for none, pixels interleaved otherwise). The
/// encoder is in JpegLSCodec.Encode.cs.
/// </summary>
public sealed partial class JpegLSCodec : IDicomCodec
{
    private const int InterleaveNone = 0; // CHARLS_INTERLEAVE_MODE_NONE

    public DicomTransferSyntax TransferSyntax { get; }

    public void Decode(DicomPixelData pixelData, ReadOnlySpan<byte> encoded, Span<byte> frame)
    {
        NativeCodecLibrary.Require(NativeCodecLibrary.CharLS, TransferSyntax);
        var decoder = CharLS.charls_jpegls_decoder_create();
        if (decoder == IntPtr.Zero)
        {
            throw new DicomDataException("charls_jpegls_decoder_create failed.");
        }
        try
        {
            // CharLS keeps the source's address until it decodes, over several calls: a managed buffer the GC moved meanwhile
            // would be read at its old place (CI once failed so). The bytes go to the pinned object heap, kept alive until then.
            var source = GC.AllocateUninitializedArray<byte>(encoded.Length, pinned: true);
            encoded.CopyTo(source);
            Check(CharLS.charls_jpegls_decoder_set_source_buffer(decoder, in MemoryMarshal.GetArrayDataReference(source), (nuint)source.Length), "setting the source");
            Check(CharLS.charls_jpegls_decoder_read_header(decoder), "reading the header");
            Check(CharLS.charls_jpegls_decoder_get_frame_info(decoder, out var info), "reading the frame info");
            NativeFrame.CheckGeometry(pixelData, info.Width, info.Height, info.ComponentCount, TransferSyntax.Name);
            if (info.BitsPerSample is < 2 or > 16 || info.BitsPerSample > pixelData.BitsAllocated)
            {
                throw new DicomDataException($"{TransferSyntax.Name} frame has {info.BitsPerSample} bits per sample; the dataset allocates {pixelData.BitsAllocated}.");
            }
            Check(CharLS.charls_jpegls_decoder_get_interleave_mode(decoder, out var interleave), "reading the interleave mode");
            Check(CharLS.charls_jpegls_decoder_get_destination_size(decoder, 0, out var size), "sizing the destination");
            var decodedBytes = info.BitsPerSample > 8 ? 2 : 1;
            var expected = (long)info.Width * info.Height * info.ComponentCount * decodedBytes;
            if ((long)size != expected)
            {
                throw new DicomDataException($"{TransferSyntax.Name}: CharLS asks for {size} bytes; {expected} expected.");
            }
            var samples = new byte[expected];
            Check(CharLS.charls_jpegls_decoder_decode_to_buffer(decoder, ref samples[0], size, 0), "decoding");
            GC.KeepAlive(source); // pinned, but collectable once unreachable: it must outlive the decoding
            NativeFrame.Store(pixelData, samples, decodedBytes, interleaved: interleave != InterleaveNone, frame);
        }
        finally
        {
            CharLS.charls_jpegls_decoder_destroy(decoder);
        }
    }

    private void Check(int error, string doing)
    {
        if (error != 0)
        {
            throw new DicomDataException(
                $"{TransferSyntax.Name}: CharLS failed {doing}: {Marshal.PtrToStringUTF8(CharLS.charls_get_error_message(error))} ({error}).");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct FrameInfo
    {
        public uint Width;
        public uint Height;
        public int BitsPerSample;
        public int ComponentCount;
    }

    private static class CharLS
    {
        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern IntPtr charls_jpegls_decoder_create();

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern void charls_jpegls_decoder_destroy(IntPtr decoder);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_decoder_set_source_buffer(IntPtr decoder, in byte source, nuint sourceSize);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_decoder_read_header(IntPtr decoder);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_decoder_get_frame_info(IntPtr decoder, out FrameInfo frameInfo);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_decoder_get_interleave_mode(IntPtr decoder, out int interleaveMode);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_decoder_get_destination_size(IntPtr decoder, uint stride, out nuint destinationSize);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern int charls_jpegls_decoder_decode_to_buffer(IntPtr decoder, ref byte destination, nuint destinationSize, uint stride);

        [DllImport(NativeCodecLibrary.CharLS, ExactSpelling = true)]
        public static extern IntPtr charls_get_error_message(int error);
    }
}
