namespace Isocenter.Contracts.Storage;

/// <summary>
/// Asks the storage service to delete a study, a series of it, or one instance (rows and objects); answered with
/// <see cref="InstancesDeleted"/>, which is also published. Deleting what is not there answers an empty list.
/// </summary>
/// <param name="StudyInstanceUid">The study.</param>
/// <param name="SeriesInstanceUid">One of its series, or null for the whole study.</param>
/// <param name="SopInstanceUid">One instance of that series, or null for the whole series.</param>
public sealed record DeleteInstances(string StudyInstanceUid, string? SeriesInstanceUid, string? SopInstanceUid);

/// <summary>Published (and answered to <see cref="DeleteInstances"/>) when instances have left the index and the object store.</summary>
/// <param name="Instances">What was deleted.</param>
/// <param name="DeletedAt">When.</param>
public sealed record InstancesDeleted(IReadOnlyList<DeletedInstance> Instances, DateTimeOffset DeletedAt);

/// <summary>One deleted instance.</summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="SopInstanceUid">SOP Instance UID (0008,0018).</param>
/// <param name="ObjectKey">The object it was stored as.</param>
public sealed record DeletedInstance(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string ObjectKey);
