namespace Isocenter.Contracts.Storage;

/// <summary>
/// Asks the storage service to make a de-identified copy of one study for a reading set (PS3.15 Basic Application Level
/// Confidentiality Profile with <paramref name="Profile"/>'s options), keyed by the set's secret in <c>deid_key</c>; progress
/// and the outcome come back as <see cref="StudyDeidentificationChanged"/>. Redelivery is safe: the copy's UIDs are derived
/// from the set's key, so a second run rewrites the same objects.
/// </summary>
/// <param name="ReadingSetId">The reading set the copy belongs to (its key and pseudonym mapping).</param>
/// <param name="StudyInstanceUid">The original Study Instance UID (0020,000D).</param>
/// <param name="Profile">The profile's options.</param>
public sealed record DeidentifyStudy(Guid ReadingSetId, string StudyInstanceUid, DeidentificationProfile Profile);

/// <summary>The options of PS3.15 Table E.1-1 a reading set applies on top of the Basic Profile (all false = the Basic Profile alone).</summary>
/// <param name="RetainModifiedDates">Retain Longitudinal Temporal Information with Modified Dates: dates shifted by a per-patient offset.</param>
/// <param name="RetainPatientCharacteristics">Retain Patient Characteristics (sex, age, size, weight…).</param>
/// <param name="RetainDeviceIdentity">Retain Device Identity (station name, serial numbers…).</param>
/// <param name="RetainInstitutionIdentity">Retain Institution Identity.</param>
/// <param name="RetainDescriptors">Keep descriptions (study/series/protocol) cleaned instead of removed: the Clean Descriptors option.</param>
public sealed record DeidentificationProfile(
    bool RetainModifiedDates = false,
    bool RetainPatientCharacteristics = false,
    bool RetainDeviceIdentity = false,
    bool RetainInstitutionIdentity = false,
    bool RetainDescriptors = false);

/// <summary>
/// Published by the storage service while it de-identifies a study for a reading set (at most about 4 times a second per study)
/// and when it ends. <c>completed</c> means every copied instance is indexed: QIDO finds the de-identified study.
/// </summary>
/// <param name="ReadingSetId">The reading set.</param>
/// <param name="StudyInstanceUid">The original Study Instance UID.</param>
/// <param name="DeidentifiedStudyInstanceUid">The copy's Study Instance UID (known from the start: derived from the set's key).</param>
/// <param name="State"><c>running</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Total">Instances in the original study.</param>
/// <param name="Done">Instances copied so far.</param>
/// <param name="HeldBack">Series not copied, each with the reason (e.g. burned-in annotation).</param>
/// <param name="Error">Why it failed, readable; null otherwise.</param>
public sealed record StudyDeidentificationChanged(
    Guid ReadingSetId,
    string StudyInstanceUid,
    string DeidentifiedStudyInstanceUid,
    string State,
    int Total,
    int Done,
    IReadOnlyList<HeldBackSeries> HeldBack,
    string? Error);

/// <summary>A series left out of a de-identified copy, and why.</summary>
/// <param name="SeriesInstanceUid">The original Series Instance UID.</param>
/// <param name="Instances">How many of its instances were held back.</param>
/// <param name="Reason">Readable, e.g. "Burned In Annotation (0028,0301) is YES".</param>
public sealed record HeldBackSeries(string SeriesInstanceUid, int Instances, string Reason);
