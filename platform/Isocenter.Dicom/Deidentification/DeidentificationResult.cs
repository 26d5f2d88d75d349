namespace Isocenter.Dicom.Deidentification;

/// <summary>An original identifier and what replaced it, for the caller to keep (e.g. a reading set's pseudonym mapping).</summary>
/// <param name="Kind">"patient", "study", "series" or "instance".</param>
/// <param name="Original">The original Patient ID or UID.</param>
/// <param name="Pseudonym">Its replacement.</param>
public sealed record DeidentificationMapping(string Kind, string Original, string Pseudonym);

/// <summary>The outcome of de-identifying one dataset.</summary>
/// <param name="Dataset">The de-identified copy; null when held back.</param>
/// <param name="HeldBack">True when the instance must not be released (possible burned-in annotation).</param>
/// <param name="Reason">Why it was held back; null otherwise.</param>
/// <param name="Mappings">The patient, study, series and instance replacements made.</param>
public sealed record DeidentificationResult(
    DicomDataset? Dataset,
    bool HeldBack,
    string? Reason,
    IReadOnlyList<DeidentificationMapping> Mappings);
