using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Codecs.Native;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Dicom.Imaging.Codecs.Jpeg;

/// <summary>How the two chrominance components of a colour JPEG are sampled relative to luminance.</summary>
public enum JpegChromaSubsampling
{
    /// <summary>4:4:4, full resolution (DICOM Photometric Interpretation YBR_FULL).</summary>
    None = 0,

    /// <summary>4:2:2, half resolution horizontally (YBR_FULL_422, <c>dcmcjpeg</c>'s default).</summary>
    Horizontal = 1,

    /// <summary>4:2:0, half resolution both ways (for thumbnails; DICOM has no Photometric Interpretation for it).</summary>
    HorizontalAndVertical = 2,
}

/// <summary>
/// Baseline JPEG (ISO/IEC 10918-1 process 1, 8-bit, Huffman) of 8-bit grey or RGB pixels through libjpeg-turbo's TurboJPEG
/// API (Debian package libturbojpeg0): RGB is converted to YCbCr (JFIF, full range) and its chrominance subsampled as asked.
/// </summary>
public static class JpegEncoder
{
    private const int PixelFormatRgb = 0; // TJPF_RGB
    private const int PixelFormatGray = 6; // TJPF_GRAY
    private const int SubsamplingGray = 3; // TJSAMP_GRAY

    /// <summary>JPEG bytes of an 8-bit rendered image (1 or 3 channels).</summary>
    public static byte[] Encode(RenderedImage image, int quality = 90, JpegChromaSubsampling subsampling = JpegChromaSubsampling.Horizontal) =>
        Encode(image.Pixels, image.Width, image.Height, image.Channels, quality, subsampling);

    /// <summary>
    /// JPEG bytes of <paramref name="width"/>×<paramref name="height"/> 8-bit pixels, rows top to bottom, <paramref name="channels"/>
    /// 1 (grey) or 3 (RGB, interleaved); <paramref name="quality"/> 1–100 as in IJG's <c>cjpeg -quality</c>.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels, int quality = 90,
        JpegChromaSubsampling subsampling = JpegChromaSubsampling.Horizontal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "JPEG baseline encodes 1 (grey) or 3 (RGB) channels.");
        }
        if (pixels.Length < (long)width * height * channels)
        {
            throw new ArgumentException($"{pixels.Length} bytes are fewer than {width}×{height}×{channels}.", nameof(pixels));
        }
        NativeCodecLibrary.Require(NativeCodecLibrary.TurboJpeg, DicomTransferSyntax.JPEGBaseline8Bit);
        var handle = TurboJpeg.tjInitCompress();
        if (handle == IntPtr.Zero)
        {
            throw new DicomDataException("tjInitCompress failed.");
        }
        var output = IntPtr.Zero;
        try
        {
            var size = new CULong(0);
            var grey = channels == 1;
            if (TurboJpeg.tjCompress2(handle, in MemoryMarshal.GetReference(pixels), width, 0, height, grey ? PixelFormatGray : PixelFormatRgb,
                    ref output, ref size, grey ? SubsamplingGray : (int)subsampling, quality, 0) != 0)
            {
                throw new DicomDataException($"libturbojpeg failed encoding: {Marshal.PtrToStringUTF8(TurboJpeg.tjGetErrorStr2(handle))}");
            }
            var encoded = new byte[checked((int)size.Value)];
            Marshal.Copy(output, encoded, 0, encoded.Length);
            return encoded;
        }
        finally
        {
            if (output != IntPtr.Zero)
            {
                TurboJpeg.tjFree(output);
            }
            _ = TurboJpeg.tjDestroy(handle);
        }
    }

    private static class TurboJpeg
    {
        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern IntPtr tjInitCompress();

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern int tjCompress2(IntPtr handle, in byte srcBuf, int width, int pitch, int height, int pixelFormat,
            ref IntPtr jpegBuf, ref CULong jpegSize, int jpegSubsamp, int jpegQual, int flags);

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern void tjFree(IntPtr buffer);

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern IntPtr tjGetErrorStr2(IntPtr handle);

        [DllImport(NativeCodecLibrary.TurboJpeg, ExactSpelling = true)]
        public static extern int tjDestroy(IntPtr handle);
    }
}
