using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;

namespace Isocenter.Index;

/// <summary>
/// The archive's index of patients, studies, series and instances. The storage service is its only writer; the other
/// services query it. Implemented by <c>PostgresIndexStore</c>.
/// </summary>
public interface IIndexStore
{
    /// <summary>
    /// Inserts or replaces the instances (idempotent by SOP Instance UID: a redelivered or re-sent instance replaces its
    /// row, never adds one) with their patient, study and series rows, in one transaction. Returns each series touched
    /// with its instance count after the batch.
    /// </summary>
    Task<IReadOnlyList<SeriesUpdate>> UpsertAsync(IReadOnlyList<InstanceReceived> instances, CancellationToken cancellationToken);

    /// <summary>
    /// The matches of a C-FIND or QIDO query at its level (PS3.4 C.2.2.2 matching), each holding the keys the identifier
    /// asks for (return keys) with their values, Query/Retrieve Level, Specific Character Set, and the unique keys of the
    /// level and the levels above it.
    /// </summary>
    IAsyncEnumerable<DicomDataset> FindAsync(IndexQuery query, CancellationToken cancellationToken);

    /// <summary>Every instance under the matches of <paramref name="query"/> (the unique keys of C-MOVE and C-GET), in series then instance order.</summary>
    Task<IReadOnlyList<InstanceLocation>> ListInstancesAsync(IndexQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The version of a study, one series of it, or one instance (<paramref name="seriesInstanceUid"/> and
    /// <paramref name="sopInstanceUid"/> null for the whole study or series): how many instances it has and when the newest
    /// was stored, with a checksum of their rows that changes whenever one is added, replaced or removed. Null when nothing
    /// of it is indexed.
    /// </summary>
    Task<IndexVersion?> GetVersionAsync(string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>
    /// The headers (DICOM JSON without bulk data) of the instances of a study, one series of it, or one instance, in series
    /// then instance order (WADO-RS metadata).
    /// </summary>
    IAsyncEnumerable<InstanceMetadata> ListMetadataAsync(string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>Removes the rows of a study, one series of it, or one instance (and the series, study and patient rows left empty); returns the instances removed, ordered by series then SOP Instance UID.</summary>
    Task<IReadOnlyList<InstanceLocation>> DeleteAsync(string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>
    /// The series whose last change is at least <paramref name="quietPeriod"/> old and that were not reported stable since
    /// that change; they are marked reported, so each change is reported once.
    /// </summary>
    Task<IReadOnlyList<SeriesUpdate>> TakeStableSeriesAsync(TimeSpan quietPeriod, CancellationToken cancellationToken);
}

/// <summary>A series and how many instances it has in the index.</summary>
public sealed record SeriesUpdate(string StudyInstanceUid, string SeriesInstanceUid, int InstanceCount);

/// <summary>Where an indexed instance is stored, and what a sender needs to know of it.</summary>
public sealed record InstanceLocation(
    string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string SopClassUid, string TransferSyntaxUid, string ObjectKey, long Size);

/// <summary>What a set of instances looks like now, for HTTP validators (ETag, Last-Modified).</summary>
/// <param name="InstanceCount">How many instances the set has.</param>
/// <param name="LastModified">When the newest of them was stored.</param>
/// <param name="Checksum">A number that changes when an instance is added, replaced or removed.</param>
public sealed record IndexVersion(int InstanceCount, DateTimeOffset LastModified, long Checksum);

/// <summary>An indexed instance's header.</summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="SopInstanceUid">SOP Instance UID (0008,0018).</param>
/// <param name="TransferSyntaxUid">The transfer syntax the object is stored in.</param>
/// <param name="Header">The dataset as DICOM JSON without bulk data (no pixel data and no value over 64 KiB).</param>
public sealed record InstanceMetadata(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string TransferSyntaxUid, string Header);

/// <summary>The Query/Retrieve levels (PS3.4 C.3). Image is the Instance level of QIDO.</summary>
public enum QueryLevel
{
    /// <summary>PATIENT.</summary>
    Patient,

    /// <summary>STUDY.</summary>
    Study,

    /// <summary>SERIES.</summary>
    Series,

    /// <summary>IMAGE.</summary>
    Image,
}

/// <summary>A query of the index.</summary>
/// <param name="Level">The level of the matches.</param>
/// <param name="Identifier">Matching keys (with values) and return keys (empty), as in a C-FIND identifier; DICOMweb builds the same.</param>
/// <param name="FuzzyMatching">Person names match case-insensitively and by word prefix (QIDO <c>fuzzymatching=true</c>).</param>
/// <param name="Limit">At most this many matches; null = all.</param>
/// <param name="Offset">Matches skipped before the first returned.</param>
public sealed record IndexQuery(QueryLevel Level, DicomDataset Identifier, bool FuzzyMatching = false, int? Limit = null, int Offset = 0);
