using System.Globalization;
using Isocenter.Dicom;
using Isocenter.Index;

namespace Isocenter.Review.ReadingSets;

/// <summary>A study as the index describes it (the attributes a worklist shows).</summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="StudyDate">Study Date (0008,0020), DICOM DA.</param>
/// <param name="StudyDescription">Study Description (0008,1030).</param>
/// <param name="Modalities">Modalities in Study (0008,0061).</param>
/// <param name="Instances">Number of Study Related Instances (0020,1208).</param>
public sealed record StudyMatch(string StudyInstanceUid, string? StudyDate, string? StudyDescription, IReadOnlyList<string> Modalities, int Instances);

/// <summary>Study-level queries of the index, as QIDO-RS makes them.</summary>
public sealed class StudyIndex(IIndexStore index)
{
    /// <summary>The matching keys a reading set's query may use, with their VRs.</summary>
    public static IReadOnlyDictionary<string, DicomTag> QueryKeys { get; } = new Dictionary<string, DicomTag>(StringComparer.Ordinal)
    {
        ["PatientID"] = DicomTag.PatientID,
        ["StudyDate"] = DicomTag.StudyDate,
        ["ModalitiesInStudy"] = DicomTag.ModalitiesInStudy,
        ["AccessionNumber"] = DicomTag.AccessionNumber,
        ["StudyDescription"] = DicomTag.StudyDescription,
    };

    /// <summary>The studies matching <paramref name="keys"/> (keyword → value, PS3.4 C.2.2.2 matching), at most <paramref name="limit"/>.</summary>
    public Task<List<StudyMatch>> FindAsync(IReadOnlyDictionary<string, string> keys, int limit, CancellationToken cancellationToken)
    {
        var identifier = new DicomDataset();
        foreach (var (keyword, value) in keys)
        {
            identifier.Add(DicomValueElement.FromStrings(QueryKeys[keyword], DicomDictionary.Find(QueryKeys[keyword])!.DefaultVR, value));
        }
        return FindAsync(identifier, limit, cancellationToken);
    }

    /// <summary>The indexed studies among <paramref name="studyInstanceUids"/> (in the index's order).</summary>
    public async Task<List<StudyMatch>> GetAsync(IReadOnlyCollection<string> studyInstanceUids, CancellationToken cancellationToken)
    {
        if (studyInstanceUids.Count == 0)
        {
            return [];
        }
        var identifier = new DicomDataset().Add(DicomValueElement.FromStrings(DicomTag.StudyInstanceUID, DicomVR.UI, [.. studyInstanceUids]));
        return await FindAsync(identifier, studyInstanceUids.Count, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<StudyMatch>> FindAsync(DicomDataset identifier, int limit, CancellationToken cancellationToken)
    {
        foreach (var tag in (ReadOnlySpan<DicomTag>)[DicomTag.StudyInstanceUID, DicomTag.StudyDate, DicomTag.StudyDescription, DicomTag.ModalitiesInStudy, DicomTag.NumberOfStudyRelatedInstances])
        {
            if (!identifier.Contains(tag))
            {
                identifier.Add(DicomValueElement.FromStrings(tag, DicomDictionary.Find(tag)!.DefaultVR, []));
            }
        }
        var matches = new List<StudyMatch>();
        await foreach (var study in index.FindAsync(new IndexQuery(QueryLevel.Study, identifier, Limit: limit), cancellationToken).ConfigureAwait(false))
        {
            matches.Add(new StudyMatch(study.GetString(DicomTag.StudyInstanceUID)!, study.GetString(DicomTag.StudyDate), study.GetString(DicomTag.StudyDescription),
                study.GetStrings(DicomTag.ModalitiesInStudy), int.TryParse(study.GetString(DicomTag.NumberOfStudyRelatedInstances), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0));
        }
        return matches;
    }
}
