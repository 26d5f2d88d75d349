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
}
