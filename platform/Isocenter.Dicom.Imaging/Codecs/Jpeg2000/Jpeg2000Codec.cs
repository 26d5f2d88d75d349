using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Codecs.Native;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.Jpeg2000;

/// <summary>
/// JPEG 2000 Lossless (…4.90) and JPEG 2000 (…4.91) decoder through OpenJPEG 2.5 (Debian package libopenjp2-7): a J2K
/// codestream or a JP2 file (told apart by its first bytes), read from memory through stream callbacks; components of
/// full size only. OpenJPEG undoes the multiple component transform, so YBR_RCT and YBR_ICT frames come out RGB (see
/// <see cref="DicomPixelData.FramePhotometricInterpretation"/>). The encoder is in Jpeg2000Codec.Encode.cs.
/// </summary>
public sealed partial class Jpeg2000Codec : IDicomCodec
{
    private const int CodecJ2K = 0; // OPJ_CODEC_J2K
    private const int CodecJP2 = 2; // OPJ_CODEC_JP2
    private const int ParametersSize = 32 * 1024; // opj_dparameters_t is about 8.3 KB; allocated generously
    private const int ImageNumComps = 16, ImageComps = 24; // offsets in opj_image_t
    private const int CompW = 8, CompH = 12, CompDx = 0, CompDy = 4, CompData = 48, CompSize = 64; // opj_image_comp_t

    private static readonly ReadFunction Reader = Read;
    private static readonly SkipFunction Skipper = Skip;
    private static readonly SeekFunction Seeker = Seek;

    public DicomTransferSyntax TransferSyntax { get; }

    public void Decode(DicomPixelData pixelData, ReadOnlySpan<byte> encoded, Span<byte> frame)
    {
        NativeCodecLibrary.Require(NativeCodecLibrary.OpenJpeg, TransferSyntax);
        var source = new Source(encoded.ToArray());
        var user = GCHandle.Alloc(source);
        var parameters = Marshal.AllocHGlobal(ParametersSize);
        IntPtr codec = IntPtr.Zero, stream = IntPtr.Zero, image = IntPtr.Zero;
        try
        {
            var jp2 = encoded.Length >= 12 && encoded[..4].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 0x0C]) && encoded[4] == 0x6A && encoded[5] == 0x50;
            codec = OpenJpeg.opj_create_decompress(jp2 ? CodecJP2 : CodecJ2K);
            stream = OpenJpeg.opj_stream_create(64 * 1024, 1);
            if (codec == IntPtr.Zero || stream == IntPtr.Zero)
            {
                throw new DicomDataException("OpenJPEG could not create a decoder.");
            }
            OpenJpeg.opj_stream_set_read_function(stream, Marshal.GetFunctionPointerForDelegate(Reader));
            OpenJpeg.opj_stream_set_skip_function(stream, Marshal.GetFunctionPointerForDelegate(Skipper));
            OpenJpeg.opj_stream_set_seek_function(stream, Marshal.GetFunctionPointerForDelegate(Seeker));
            OpenJpeg.opj_stream_set_user_data(stream, GCHandle.ToIntPtr(user), IntPtr.Zero);
            OpenJpeg.opj_stream_set_user_data_length(stream, (ulong)encoded.Length);
            OpenJpeg.opj_set_default_decoder_parameters(parameters);
            if (OpenJpeg.opj_setup_decoder(codec, parameters) == 0)
            {
                throw Failed("setting up the decoder");
            }
            if (OpenJpeg.opj_read_header(stream, codec, out image) == 0 || image == IntPtr.Zero)
            {
                throw Failed("reading the header");
            }
            var components = Marshal.ReadInt32(image, ImageNumComps);
            var comps = Marshal.ReadIntPtr(image, ImageComps);
            var width = (uint)Marshal.ReadInt32(comps, CompW);
            var height = (uint)Marshal.ReadInt32(comps, CompH);
            NativeFrame.CheckGeometry(pixelData, width, height, components, TransferSyntax.Name);
            for (var c = 0; c < components; c++)
            {
                var comp = comps + c * CompSize;
                if (Marshal.ReadInt32(comp, CompDx) != 1 || Marshal.ReadInt32(comp, CompDy) != 1)
                {
                    throw new DicomDataException($"{TransferSyntax.Name}: subsampled component {c + 1} is not supported.");
                }
            }
            if (OpenJpeg.opj_decode(codec, stream, image) == 0 || OpenJpeg.opj_end_decompress(codec, stream) == 0)
            {
                throw Failed("decoding");
            }
            var pixels = pixelData.Rows * pixelData.Columns;
            var values = new int[pixels];
            var planar = pixelData.PlanarConfiguration == 1 || components == 1;
            for (var c = 0; c < components; c++)
            {
                var comp = comps + c * CompSize;
                if (Marshal.ReadInt32(comp, CompW) != pixelData.Columns || Marshal.ReadInt32(comp, CompH) != pixelData.Rows)
                {
                    throw new DicomDataException($"{TransferSyntax.Name}: component {c + 1} is not {pixelData.Columns}×{pixelData.Rows}.");
                }
                var data = Marshal.ReadIntPtr(comp, CompData);
                if (data == IntPtr.Zero)
                {
                    throw Failed("decoding (no component data)");
                }
                Marshal.Copy(data, values, 0, pixels);
                for (var p = 0; p < pixels; p++)
                {
                    NativeFrame.Write(pixelData, frame, planar ? c * pixels + p : p * components + c, values[p]);
                }
            }
        }
        finally
        {
            if (image != IntPtr.Zero)
            {
                OpenJpeg.opj_image_destroy(image);
            }
            if (stream != IntPtr.Zero)
            {
                OpenJpeg.opj_stream_destroy(stream);
            }
            if (codec != IntPtr.Zero)
            {
                OpenJpeg.opj_destroy_codec(codec);
            }
            Marshal.FreeHGlobal(parameters);
            user.Free();
        }
    }

    private DicomDataException Failed(string doing) => new($"{TransferSyntax.Name}: OpenJPEG failed {doing}.");

    private sealed class Source(byte[] data)
    {
        public byte[] Data { get; } = data;
        public long Position { get; set; }
    }

    private static Source SourceOf(IntPtr user) => (Source)GCHandle.FromIntPtr(user).Target!;

    private static nuint Read(IntPtr buffer, nuint count, IntPtr user)
    {
        var source = SourceOf(user);
        var available = source.Data.Length - source.Position;
        if (available <= 0)
        {
            return nuint.MaxValue; // (OPJ_SIZE_T)-1: end of stream
        }
        var n = (int)Math.Min((long)Math.Min(count, int.MaxValue), available);
        Marshal.Copy(source.Data, (int)source.Position, buffer, n);
        source.Position += n;
        return (nuint)n;
    }

    private static long Skip(long count, IntPtr user)
    {
        var source = SourceOf(user);
        var target = Math.Clamp(source.Position + count, 0, source.Data.Length);
        var skipped = target - source.Position;
        source.Position = target;
        return skipped;
    }

    private static int Seek(long position, IntPtr user)
    {
        var source = SourceOf(user);
        if (position < 0 || position > source.Data.Length)
        {
            return 0;
        }
        source.Position = position;
        return 1;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nuint ReadFunction(IntPtr buffer, nuint count, IntPtr user);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate long SkipFunction(long count, IntPtr user);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SeekFunction(long position, IntPtr user);

    private static class OpenJpeg
    {
        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern IntPtr opj_create_decompress(int format);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_destroy_codec(IntPtr codec);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_set_default_decoder_parameters(IntPtr parameters);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern int opj_setup_decoder(IntPtr codec, IntPtr parameters);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern IntPtr opj_stream_create(nuint bufferSize, int isInput);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_stream_destroy(IntPtr stream);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_stream_set_read_function(IntPtr stream, IntPtr function);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_stream_set_skip_function(IntPtr stream, IntPtr function);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_stream_set_seek_function(IntPtr stream, IntPtr function);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_stream_set_user_data(IntPtr stream, IntPtr data, IntPtr freeFunction);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_stream_set_user_data_length(IntPtr stream, ulong length);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern int opj_read_header(IntPtr stream, IntPtr codec, out IntPtr image);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern int opj_decode(IntPtr codec, IntPtr stream, IntPtr image);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern int opj_end_decompress(IntPtr codec, IntPtr stream);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_image_destroy(IntPtr image);
    }
}
