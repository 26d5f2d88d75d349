namespace Isocenter.Contracts.Storage;

/// <summary>
/// Published by the storage service after a batch that added or replaced instances of a series, once they are indexed.
/// More can follow; <see cref="SeriesStable"/> comes after the quiet period.
/// </summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="InstanceCount">Instances of the series in the index after the batch.</param>
/// <param name="ChangedAt">When the batch was indexed.</param>
public sealed record SeriesChanged(string StudyInstanceUid, string SeriesInstanceUid, int InstanceCount, DateTimeOffset ChangedAt);
