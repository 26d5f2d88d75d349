using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Codecs.Native;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.Jpeg2000;

public sealed partial class Jpeg2000Codec
{
    private const int EncoderParametersSize = 32 * 1024; // opj_cparameters_t is 18720 bytes in OpenJPEG 2.5 (x64)
    private const int ParamDistoAlloc = 20, ParamNumLayers = 4796, ParamRates = 4800, ParamNumResolution = 5600, ParamIrreversible = 5616, ParamMct = 18698;
    private const int ImageX1 = 8, ImageY1 = 12;
    private const int ColorSpaceSrgb = 1, ColorSpaceGray = 2; // OPJ_CLRSPC_SRGB, OPJ_CLRSPC_GRAY

    private static readonly WriteFunction Writer = Write;
    private static readonly SkipFunction SinkSkipper = SinkSkip;
    private static readonly SeekFunction SinkSeeker = SinkSeek;

    /// <summary>
    /// A JPEG 2000 codec for <paramref name="transferSyntax"/>. Lossless (…4.90) encodes with the reversible 5/3 wavelet;
    /// the lossy syntax (…4.91) with the irreversible 9/7 wavelet at <paramref name="compressionRatio"/>:1 (one quality layer).
    /// </summary>
    public Jpeg2000Codec(DicomTransferSyntax transferSyntax, double compressionRatio = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionRatio, 1);
        TransferSyntax = transferSyntax;
        CompressionRatio = compressionRatio;
    }

    /// <summary>The target compression ratio of lossy encoding (…4.91); lossless ignores it.</summary>
    public double CompressionRatio { get; }

    /// <summary>
    /// Encodes a frame (Bits Allocated 8 or 16, Bits Stored bits, signed or unsigned, 1 or 3 samples, either Planar
    /// Configuration) as a J2K codestream. RGB gets the multiple component transform, so the dataset's
    /// Photometric Interpretation must become YBR_RCT (lossless) or YBR_ICT (lossy), PS3.5 8.2.4.
    /// </summary>
    public byte[] Encode(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        if (pixelData.BitsAllocated is not (8 or 16) || pixelData.SamplesPerPixel is not (1 or 3) || pixelData.IsNative422)
        {
            throw new NotSupportedException($"{TransferSyntax.Name} encoding needs Bits Allocated 8 or 16 and 1 or 3 samples: {pixelData}.");
        }
        NativeCodecLibrary.Require(NativeCodecLibrary.OpenJpeg, TransferSyntax);
        var version = Marshal.PtrToStringUTF8(OpenJpegEncoder.opj_version()) ?? "unknown";
        if (!version.StartsWith("2.5.", StringComparison.Ordinal))
        {
            // The offsets into opj_cparameters_t above are those of OpenJPEG 2.5; another layout would be written out of place.
            throw new DicomDataException($"{TransferSyntax.Name} encoding needs OpenJPEG 2.5 (libopenjp2-7 of Debian 12); this one is {version}.");
        }
        var values = NativeSamples.Read(pixelData, frame);
        var components = pixelData.SamplesPerPixel;
        var pixels = pixelData.Rows * pixelData.Columns;
        var lossy = TransferSyntax.IsLossy;
        var sink = new MemoryStream();
        var user = GCHandle.Alloc(sink);
        var parameters = Marshal.AllocHGlobal(EncoderParametersSize);
        var componentParameters = new uint[components * 9]; // opj_image_cmptparm_t: dx, dy, w, h, x0, y0, prec, bpp, sgnd
        IntPtr codec = IntPtr.Zero, stream = IntPtr.Zero, image = IntPtr.Zero;
        try
        {
            for (var c = 0; c < components; c++)
            {
                uint[] component = [1, 1, (uint)pixelData.Columns, (uint)pixelData.Rows, 0, 0, (uint)pixelData.BitsStored, (uint)pixelData.BitsStored, (uint)pixelData.PixelRepresentation];
                component.CopyTo(componentParameters, c * 9);
            }
            image = OpenJpegEncoder.opj_image_create((uint)components, componentParameters, components == 3 ? ColorSpaceSrgb : ColorSpaceGray);
            if (image == IntPtr.Zero)
            {
                throw Failed("creating the image");
            }
            Marshal.WriteInt32(image, ImageX1, pixelData.Columns);
            Marshal.WriteInt32(image, ImageY1, pixelData.Rows);
            var comps = Marshal.ReadIntPtr(image, ImageComps);
            var plane = new int[pixels];
            var planar = pixelData.PlanarConfiguration == 1 || components == 1;
            for (var c = 0; c < components; c++)
            {
                for (var p = 0; p < pixels; p++)
                {
                    plane[p] = values[planar ? c * pixels + p : p * components + c];
                }
                Marshal.Copy(plane, 0, Marshal.ReadIntPtr(comps + c * CompSize, CompData), pixels);
            }

            OpenJpegEncoder.opj_set_default_encoder_parameters(parameters);
            Marshal.WriteInt32(parameters, ParamNumLayers, 1);
            Marshal.Copy(BitConverter.GetBytes(lossy ? (float)CompressionRatio : 0f), 0, parameters + ParamRates, 4); // 0: lossless
            Marshal.WriteInt32(parameters, ParamDistoAlloc, 1);
            Marshal.WriteInt32(parameters, ParamIrreversible, lossy ? 1 : 0);
            Marshal.WriteByte(parameters, ParamMct, components == 3 && pixelData.PhotometricInterpretation == "RGB" ? (byte)1 : (byte)0);
            // Each resolution level halves the image: at most 6 (OpenJPEG's default), fewer for images under 32 pixels.
            Marshal.WriteInt32(parameters, ParamNumResolution, Math.Min(6, 1 + (int)Math.Log2(Math.Min(pixelData.Rows, pixelData.Columns))));

            codec = OpenJpegEncoder.opj_create_compress(CodecJ2K);
            stream = OpenJpeg.opj_stream_create(64 * 1024, 0);
            if (codec == IntPtr.Zero || stream == IntPtr.Zero)
            {
                throw new DicomDataException("OpenJPEG could not create an encoder.");
            }
            OpenJpegEncoder.opj_stream_set_write_function(stream, Marshal.GetFunctionPointerForDelegate(Writer));
            OpenJpeg.opj_stream_set_skip_function(stream, Marshal.GetFunctionPointerForDelegate(SinkSkipper));
            OpenJpeg.opj_stream_set_seek_function(stream, Marshal.GetFunctionPointerForDelegate(SinkSeeker));
            OpenJpeg.opj_stream_set_user_data(stream, GCHandle.ToIntPtr(user), IntPtr.Zero);
            if (OpenJpegEncoder.opj_setup_encoder(codec, parameters, image) == 0)
            {
                throw Failed("setting up the encoder");
            }
            if (OpenJpegEncoder.opj_start_compress(codec, image, stream) == 0 || OpenJpegEncoder.opj_encode(codec, stream) == 0
                || OpenJpegEncoder.opj_end_compress(codec, stream) == 0)
            {
                throw Failed("encoding");
            }
            OpenJpeg.opj_stream_destroy(stream); // flushes what is buffered into the sink
            stream = IntPtr.Zero;
            return sink.ToArray();
        }
        finally
        {
            if (stream != IntPtr.Zero)
            {
                OpenJpeg.opj_stream_destroy(stream);
            }
            if (codec != IntPtr.Zero)
            {
                OpenJpeg.opj_destroy_codec(codec);
            }
            if (image != IntPtr.Zero)
            {
                OpenJpeg.opj_image_destroy(image);
            }
            Marshal.FreeHGlobal(parameters);
            user.Free();
        }
    }

    private static MemoryStream SinkOf(IntPtr user) => (MemoryStream)GCHandle.FromIntPtr(user).Target!;

    private static nuint Write(IntPtr buffer, nuint count, IntPtr user)
    {
        var sink = SinkOf(user);
        var bytes = new byte[checked((int)count)];
        Marshal.Copy(buffer, bytes, 0, bytes.Length);
        sink.Write(bytes);
        return count;
    }

    private static long SinkSkip(long count, IntPtr user)
    {
        var sink = SinkOf(user);
        sink.Position += count;
        return count;
    }

    private static int SinkSeek(long position, IntPtr user)
    {
        SinkOf(user).Position = position;
        return 1;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nuint WriteFunction(IntPtr buffer, nuint count, IntPtr user);

    private static class OpenJpegEncoder
    {
        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern IntPtr opj_version();

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern IntPtr opj_create_compress(int format);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_set_default_encoder_parameters(IntPtr parameters);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern IntPtr opj_image_create(uint numComponents, uint[] componentParameters, int colorSpace);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern int opj_setup_encoder(IntPtr codec, IntPtr parameters, IntPtr image);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern void opj_stream_set_write_function(IntPtr stream, IntPtr function);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern int opj_start_compress(IntPtr codec, IntPtr image, IntPtr stream);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern int opj_encode(IntPtr codec, IntPtr stream);

        [DllImport(NativeCodecLibrary.OpenJpeg, ExactSpelling = true)]
        public static extern int opj_end_compress(IntPtr codec, IntPtr stream);
    }
}
