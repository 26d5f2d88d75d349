namespace Isocenter.Contracts.Ingest;

/// <summary>
/// A SOP instance written to the object store, as <see cref="InstancesReceived"/> announces it and <c>IndexInstances</c>
/// asks for it to be indexed.
/// </summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="SopInstanceUid">SOP Instance UID (0008,0018).</param>
/// <param name="SopClassUid">SOP Class UID (0008,0016).</param>
/// <param name="TransferSyntaxUid">The transfer syntax the object is stored in.</param>
/// <param name="ObjectKey">Where the Part 10 file is in the object store (<c>instances/{study}/{series}/{sop}.dcm</c>).</param>
/// <param name="Size">The object's size in bytes.</param>
/// <param name="Checksum">The object's checksum: <c>xxh128:</c> and its XXH3 128-bit hash in lower-case hexadecimal.</param>
/// <param name="Header">The dataset as DICOM JSON (PS3.18 F) without bulk data: no pixel data and no value over 64 KiB.</param>
/// <param name="SourceAETitle">The calling AE title it came from (null for uploads through DICOMweb).</param>
/// <param name="ReceivedAt">When the object was stored.</param>
public sealed record InstanceReceived(
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string SopInstanceUid,
    string SopClassUid,
    string TransferSyntaxUid,
    string ObjectKey,
    long Size,
    string Checksum,
    string Header,
    string? SourceAETitle,
    DateTimeOffset ReceivedAt);
