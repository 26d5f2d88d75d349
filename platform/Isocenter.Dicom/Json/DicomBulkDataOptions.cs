namespace Isocenter.Dicom.Json;

/// <summary>How DICOM JSON and XML readers and writers treat bulk data (BulkDataURI and InlineBinary).</summary>
public abstract class DicomBulkDataOptions
{
    /// <summary>
    /// Writing: returns the BulkDataURI for a value, or null to write it inline. Asked for encapsulated pixel data and for
    /// values of at least <see cref="BulkDataThreshold"/> bytes whose VR allows a BulkDataURI (PS3.18 F.2.2).
    /// </summary>
    public Func<DicomElementPath, DicomElement, Uri?>? BulkDataUriProvider { get; init; }

    /// <summary>Writing: values shorter than this many bytes are always written inline; the default is 1024.</summary>
    public long BulkDataThreshold { get; init; } = 1024;

    /// <summary>Reading: fetches the bytes of a BulkDataURI; when null, the value is kept as a <see cref="DicomBulkDataUriBuffer"/>.</summary>
    public Func<Uri, DicomBuffer>? BulkDataResolver { get; init; }

    /// <summary>The BulkDataURI to write for <paramref name="element"/>, or null to write its value.</summary>
    internal Uri? GetBulkDataUri(DicomElementPathBuilder path, DicomElement element) => element switch
    {
        DicomValueElement { Buffer: DicomBulkDataUriBuffer reference } => Ask(path, element) ?? reference.Uri,
        DicomFragmentSequence => Ask(path, element),
        DicomValueElement value when BulkDataUriProvider is not null && AllowsBulkDataUri(value.VR)
            && value.Length >= BulkDataThreshold && value.Length > 0 => Ask(path, element),
        _ => null,
    };

    /// <summary>The bytes behind a BulkDataURI read from JSON or XML.</summary>
    internal DicomBuffer Resolve(Uri uri) => BulkDataResolver?.Invoke(uri) ?? new DicomBulkDataUriBuffer(uri);

    private Uri? Ask(DicomElementPathBuilder path, DicomElement element) => BulkDataUriProvider?.Invoke(path.ToPath(element.Tag), element);

    /// <summary>The VRs PS3.18 F.2.2 allows a BulkDataURI for.</summary>
    private static bool AllowsBulkDataUri(DicomVR vr) => vr.IsBulk() || vr is DicomVR.DS or DicomVR.FL or DicomVR.FD
        or DicomVR.IS or DicomVR.LT or DicomVR.SL or DicomVR.SS or DicomVR.ST or DicomVR.SV or DicomVR.UC or DicomVR.UL
        or DicomVR.US or DicomVR.UT or DicomVR.UV;
}
