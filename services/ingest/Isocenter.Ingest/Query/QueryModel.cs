using Isocenter.Dicom;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Index;

namespace Isocenter.Ingest.Query;

/// <summary>
/// The Patient Root and Study Root information models (PS3.4 C.3, C.6): checks a C-FIND, C-MOVE or C-GET identifier's level
/// and the unique keys a hierarchical request must hold, and makes it an <see cref="IndexQuery"/>. A request that breaks
/// them is refused with Identifier does not match SOP Class (A900) and the reason as Error Comment.
/// </summary>
internal static class QueryModel
{
    private static readonly HashSet<string> PatientRoot = new(
        [DicomUid.PatientRootQueryRetrieveInformationModelFind, DicomUid.PatientRootQueryRetrieveInformationModelMove, DicomUid.PatientRootQueryRetrieveInformationModelGet],
        StringComparer.Ordinal);

    /// <summary>
    /// The index query for <paramref name="identifier"/> under <paramref name="sopClassUid"/>. Every level above the
    /// requested one must have its unique key with one value (C.4.1.2.2.1, C.4.2.2.1); a retrieve also needs the unique
    /// key of its own level (one value or a list).
    /// </summary>
    public static IndexQuery ToQuery(string operation, string sopClassUid, DicomDataset identifier, bool retrieve)
    {
        var patientRoot = PatientRoot.Contains(sopClassUid);
        var levelText = identifier.GetString(DicomTag.QueryRetrieveLevel)?.Trim();
        QueryLevel level = levelText switch
        {
            "PATIENT" when patientRoot => QueryLevel.Patient,
            "STUDY" => QueryLevel.Study,
            "SERIES" => QueryLevel.Series,
            "IMAGE" => QueryLevel.Image,
            _ => throw Refuse(operation, $"Query/Retrieve Level (0008,0052) '{levelText}' is not one of the {(patientRoot ? "Patient Root" : "Study Root")} model's levels"),
        };
        var keys = UniqueKeys;
        var first = patientRoot ? 0 : 1; // the keys list starts at PATIENT
        for (var i = first; i < (int)level; i++)
        {
            if (identifier.GetStrings(keys[i]) is not [{ Length: > 0 }])
            {
                throw Refuse(operation, $"{keys[i].Keyword} {keys[i]} must hold one value in a {levelText}-level request (hierarchical {(patientRoot ? "Patient Root" : "Study Root")} model)");
            }
        }
        if (retrieve && !identifier.GetStrings(keys[(int)level]).Any(value => value.Length > 0))
        {
            throw Refuse(operation, $"{keys[(int)level].Keyword} {keys[(int)level]} must name what to retrieve at level {levelText}");
        }
        return new IndexQuery(level, identifier);
    }

    // The unique key of each level, PATIENT to IMAGE (QueryLevel order).
    private static readonly DicomTag[] UniqueKeys = [DicomTag.PatientID, DicomTag.StudyInstanceUID, DicomTag.SeriesInstanceUID, DicomTag.SOPInstanceUID];

    private static DimseFailureException Refuse(string operation, string reason) =>
        new(operation, DimseStatus.IdentifierDoesNotMatchSopClass, reason);
}
