using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Codecs.Native;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Codecs.Jpeg;

/// <summary>
/// JPEG Baseline (process 1, …4.50) and Extended (processes 2 and 4, …4.51) decoder through libjpeg-turbo's TurboJPEG API
/// (Debian package libturbojpeg0). Colour is handled as <c>dcmdjpeg</c> does by default (<c>+cp</c>): YCbCr is converted
/// to RGB when the Photometric Interpretation is YBR_FULL or YBR_FULL_422 (so the frame is RGB, see
/// <see cref="DicomPixelData.FramePhotometricInterpretation"/>); RGB frames get their components as coded. libturbojpeg 2.1
/// decodes 8-bit precision only: a 12-bit bitstream is refused with a clear error. Baseline encodes 8-bit grey or RGB
/// through <see cref="JpegEncoder"/> with <paramref name="quality"/> and <paramref name="subsampling"/> (4:4:4 or 4:2:2).
/// </summary>
public sealed class JpegCodec(DicomTransferSyntax transferSyntax, int quality = 90, JpegChromaSubsampling subsampling = JpegChromaSubsampling.Horizontal)
    : IDicomCodec
{
    private const int PixelFormatRgb = 0; // TJPF_RGB
    private const int PixelFormatGray = 6; // TJPF_GRAY
    private const int ColorspaceRgb = 0; // TJCS_RGB
    private const int Subsampling444 = 0; // TJSAMP_444

    public DicomTransferSyntax TransferSyntax { get; } = transferSyntax;

    /// <summary>IJG quality factor (1–100) of encoded frames.</summary>
    public int Quality { get; } = quality is >= 1 and <= 100 ? quality
        : throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality is 1 to 100.");

    /// <summary>Chrominance subsampling of encoded RGB frames: 4:4:4 gives YBR_FULL, 4:2:2 YBR_FULL_422.</summary>
    public JpegChromaSubsampling Subsampling { get; } = subsampling is JpegChromaSubsampling.None or JpegChromaSubsampling.Horizontal ? subsampling
        : throw new ArgumentOutOfRangeException(nameof(subsampling), subsampling, "DICOM has a Photometric Interpretation for 4:4:4 (YBR_FULL) and 4:2:2 (YBR_FULL_422) JPEG only.");

    public void Decode(DicomPixelData pixelData, ReadOnlySpan<byte> encoded, Span<byte> frame)
    {
        var precision = Precision(encoded);
        if (precision > 8)
        {
            throw new DicomDataException(
                $"{TransferSyntax.Name}: {precision}-bit JPEG is not supported; libturbojpeg 2.1 (Debian 12's libturbojpeg0) decodes 8-bit precision only.");
        }
        if (pixelData.SamplesPerPixel is not (1 or 3))
        {
            throw new DicomDataException($"{TransferSyntax.Name} with {pixelData.SamplesPerPixel} samples per pixel is not supported.");
        }
        NativeCodecLibrary.Require(NativeCodecLibrary.TurboJpeg, TransferSyntax);
        var handle = TurboJpeg.tjInitDecompress();
        if (handle == IntPtr.Zero)
        {
            throw new DicomDataException("tjInitDecompress failed.");
        }
        try
        {
            ref readonly var source = ref MemoryMarshal.GetReference(encoded);
            var size = (nuint)encoded.Length;
            if (TurboJpeg.tjDecompressHeader3(handle, in source, size, out var width, out var height, out var subsampling, out var colorspace) != 0)
            {
                throw Error(handle, "reading the header");
            }
            NativeFrame.CheckGeometry(pixelData, width, height, pixelData.SamplesPerPixel, TransferSyntax.Name);
            var pixels = width * height;
            var grey = pixelData.SamplesPerPixel == 1;
            var samples = new byte[pixels * pixelData.SamplesPerPixel];
            var convert = grey || colorspace == ColorspaceRgb || pixelData.PhotometricInterpretation.StartsWith("YBR", StringComparison.Ordinal)
                || subsampling != Subsampling444;
            if (convert)
            {
                // Grey, YCbCr photometric (converted to RGB), or components coded as RGB: the library's conversion is what dcmdjpeg does.
                if (TurboJpeg.tjDecompress2(handle, in source, size, ref samples[0], width, 0, height, grey ? PixelFormatGray : PixelFormatRgb, 0) != 0)
                {
                    throw Error(handle, "decoding");
                }
                NativeFrame.Store8(pixelData, samples, interleaved: true, frame);
                return;
            }
            // RGB photometric in a bitstream the library takes for YCbCr: the components as coded, unconverted (dcmdjpeg +cp).
            var pin = GCHandle.Alloc(samples, GCHandleType.Pinned);
            try
            {
                var start = pin.AddrOfPinnedObject();
                IntPtr[] planes = [start, start + pixels, start + 2 * pixels];
                if (TurboJpeg.tjDecompressToYUVPlanes(handle, in source, size, planes, width, null, height, 0) != 0)
                {
                    throw Error(handle, "decoding");
                }
            }
            finally
            {
                pin.Free();
            }
            NativeFrame.Store8(pixelData, samples, interleaved: false, frame);
        }
        finally
        {
            _ = TurboJpeg.tjDestroy(handle);
        }
    }

    /// <summary>
    /// Encodes an 8-bit unsigned MONOCHROME1/MONOCHROME2 or RGB frame (either Planar Configuration) as baseline JPEG; RGB
    /// comes out YCbCr, so the dataset's Photometric Interpretation must become YBR_FULL or YBR_FULL_422 (see <see cref="Subsampling"/>).
    /// </summary>
    public byte[] Encode(DicomPixelData pixelData, ReadOnlySpan<byte> frame)
    {
        if (TransferSyntax.Uid != DicomUid.JPEGBaseline8Bit || pixelData.BitsAllocated != 8 || pixelData.IsSigned
            || pixelData.PhotometricInterpretation is not ("MONOCHROME1" or "MONOCHROME2" or "RGB"))
        {
            throw new NotSupportedException(
                $"{TransferSyntax.Name} encoding needs 8-bit unsigned MONOCHROME1, MONOCHROME2 or RGB samples (Bits Allocated 8); this image is {pixelData}. "
                + "Bits above 8 are not dropped silently: choose a lossless syntax (JPEG-LS, JPEG 2000, JPEG Lossless) or JPEG 2000 lossy.");
        }
        return JpegEncoder.Encode(NativeSamples.Interleaved(pixelData, frame), pixelData.Columns, pixelData.Rows, pixelData.SamplesPerPixel, Quality, Subsampling);
    }

    /// <summary>The sample precision of the first start-of-frame marker, or 0 when there is none.</summary>
    internal static int Precision(ReadOnlySpan<byte> encoded)
    {
        var i = 2;
        while (i + 4 < encoded.Length)
        {
            if (encoded[i] != 0xFF)
            {
                i++;
                continue;
            }
            var marker = encoded[i + 1];
            if (marker is 0xFF or 0x00 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i++;
                continue;
            }
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return encoded[i + 4];
            }
            i += 2 + (encoded[i + 2] << 8 | encoded[i + 3]);
        }
        return 0;
    }

    private DicomDataException Error(IntPtr handle, string doing) =>
        new($"{TransferSyntax.Name}: libturbojpeg failed {doing}: {Marshal.PtrToStringUTF8(TurboJpeg.tjGetErrorStr2(handle))}");

    private static class TurboJpeg
    {
        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern IntPtr tjInitDecompress();

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern int tjDecompressHeader3(IntPtr handle, in byte jpegBuf, nuint jpegSize, out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern int tjDecompress2(IntPtr handle, in byte jpegBuf, nuint jpegSize, ref byte dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern int tjDecompressToYUVPlanes(IntPtr handle, in byte jpegBuf, nuint jpegSize, IntPtr[] dstPlanes, int width, int[]? strides, int height, int flags);

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern IntPtr tjGetErrorStr2(IntPtr handle);

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern int tjDestroy(IntPtr handle);
    }
}
