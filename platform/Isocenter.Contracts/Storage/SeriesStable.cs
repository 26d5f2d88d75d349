namespace Isocenter.Contracts.Storage;

/// <summary>
/// Published by the storage service when a series has received no new instance for its quiet period: its instances are
/// under <c>instances/{study}/{series}/</c> in the object store and indexed. Consumers must be idempotent (it can be
/// delivered again, and published again when more instances arrive later).
/// </summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="InstanceCount">Instances of the series in the archive when it became stable.</param>
/// <param name="StableAt">When the storage service found the series stable.</param>
public sealed record SeriesStable(string StudyInstanceUid, string SeriesInstanceUid, int InstanceCount, DateTimeOffset StableAt);
