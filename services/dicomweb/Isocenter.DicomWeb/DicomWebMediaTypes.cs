namespace Isocenter.DicomWeb;

/// <summary>The media types of PS3.18 8.7 that the service reads and writes.</summary>
public static class DicomWebMediaTypes
{
    /// <summary>A DICOM Part 10 file.</summary>
    public const string Dicom = "application/dicom";

    /// <summary>DICOM JSON (PS3.18 F).</summary>
    public const string DicomJson = "application/dicom+json";

    /// <summary>Native DICOM Model XML (PS3.19 A.1).</summary>
    public const string DicomXml = "application/dicom+xml";

    /// <summary>Uncompressed bulk data and frames.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>A multipart body of parts of one type (RFC 2387).</summary>
    public const string MultipartRelated = "multipart/related";

    /// <summary>An error body (RFC 9457).</summary>
    public const string Problem = "application/problem+json";

    /// <summary>JPEG (PS3.18 8.7.4: rendered images; frames and bulk data in JPEG Baseline, Extended or Lossless).</summary>
    public const string Jpeg = "image/jpeg";

    /// <summary>PNG, a rendered image.</summary>
    public const string Png = "image/png";

    /// <summary>JPEG-LS frames.</summary>
    public const string JpegLS = "image/jls";

    /// <summary>JPEG 2000 frames.</summary>
    public const string Jpeg2000 = "image/jp2";

    /// <summary>High-Throughput JPEG 2000 frames.</summary>
    public const string HighThroughputJpeg2000 = "image/jphc";

    /// <summary>RLE Lossless frames (PS3.5 G).</summary>
    public const string Rle = "image/x-dicom-rle";
}
