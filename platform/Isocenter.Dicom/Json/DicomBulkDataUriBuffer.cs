namespace Isocenter.Dicom.Json;

/// <summary>
/// A value known only by its BulkDataURI (PS3.18 F.2.6, PS3.19 A.1.5): its bytes live elsewhere, so its length and
/// content cannot be read until the URI is fetched and the element replaced (or a resolver is given when reading).
/// </summary>
public sealed class DicomBulkDataUriBuffer(Uri uri) : DicomBuffer
{
    /// <summary>Where the value can be retrieved (WADO-RS bulk data, a STOW-RS part, or the urn:uuid of a PS3.19 BulkData).</summary>
    public Uri Uri { get; } = uri;

    /// <summary>Not known until the URI is resolved: throws <see cref="DicomDataException"/>.</summary>
    public override long Length => throw NotResolved();

    /// <inheritdoc/>
    public override bool IsLoaded => false;

    /// <summary>Not available until the URI is resolved: throws <see cref="DicomDataException"/>.</summary>
    public override ReadOnlyMemory<byte> Memory => throw NotResolved();

    /// <summary>Not available until the URI is resolved: throws <see cref="DicomDataException"/>.</summary>
    public override void CopyTo(Stream destination) => throw NotResolved();

    private DicomDataException NotResolved() => new(
        $"The value is only referenced by BulkDataURI '{Uri.OriginalString}': fetch it and replace the element, "
        + "or pass a BulkDataResolver in the reader options, before reading its bytes.");
}
