using System.Runtime.CompilerServices;
using Isocenter.Dicom;
using Isocenter.Pacs.Nodes;

namespace Isocenter.Pacs.Query;

/// <summary>
/// Study Root C-FIND against a node, at STUDY and SERIES level, with the return keys of a QIDO-RS search of the same level
/// (PS3.18 table 10.6.3-3 and -4): what the remote worklist shows and what a retrieval needs to know of a study.
/// </summary>
public sealed class RemoteQuery(NodeConnector connector)
{
    /// <summary>The study-level keys a search may match on (QIDO parameter names), all returned too.</summary>
    public static IReadOnlyList<DicomTag> StudyMatchingKeys { get; } =
    [
        DicomTag.StudyInstanceUID, DicomTag.PatientName, DicomTag.PatientID, DicomTag.AccessionNumber, DicomTag.StudyDate,
        DicomTag.StudyTime, DicomTag.ModalitiesInStudy, DicomTag.StudyDescription, DicomTag.ReferringPhysicianName, DicomTag.StudyID,
        DicomTag.PatientBirthDate, DicomTag.PatientSex,
    ];

    /// <summary>The series-level keys a search may match on, all returned too.</summary>
    public static IReadOnlyList<DicomTag> SeriesMatchingKeys { get; } =
        [DicomTag.SeriesInstanceUID, DicomTag.Modality, DicomTag.SeriesNumber, DicomTag.SeriesDescription];

    /// <summary>The studies of <paramref name="node"/> matching <paramref name="matching"/> (tag → value, DICOM matching rules), at most <paramref name="limit"/>.</summary>
    public IAsyncEnumerable<DicomDataset> FindStudiesAsync(DicomNode node, IReadOnlyDictionary<DicomTag, string> matching, int limit, CancellationToken cancellationToken)
    {
        var identifier = new DicomDataset().Set(DicomTag.QueryRetrieveLevel, "STUDY");
        foreach (var tag in StudyMatchingKeys)
        {
            identifier.Set(tag, matching.TryGetValue(tag, out var value) ? value : "");
        }
        identifier.Set(DicomTag.NumberOfStudyRelatedSeries, "").Set(DicomTag.NumberOfStudyRelatedInstances, "");
        return FindAsync(node, identifier, limit, cancellationToken);
    }

    /// <summary>The series of study <paramref name="studyInstanceUid"/> on <paramref name="node"/> matching <paramref name="matching"/>, at most <paramref name="limit"/>.</summary>
    public IAsyncEnumerable<DicomDataset> FindSeriesAsync(DicomNode node, string studyInstanceUid, IReadOnlyDictionary<DicomTag, string> matching, int limit,
        CancellationToken cancellationToken)
    {
        var identifier = new DicomDataset().Set(DicomTag.QueryRetrieveLevel, "SERIES").Set(DicomTag.StudyInstanceUID, studyInstanceUid);
        foreach (var tag in SeriesMatchingKeys)
        {
            identifier.Set(tag, matching.TryGetValue(tag, out var value) ? value : "");
        }
        identifier.Set(DicomTag.NumberOfSeriesRelatedInstances, "");
        return FindAsync(node, identifier, limit, cancellationToken);
    }

    private async IAsyncEnumerable<DicomDataset> FindAsync(DicomNode node, DicomDataset identifier, int limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var match in connector.Client(node).FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, identifier, cancellationToken).ConfigureAwait(false))
        {
            match.Remove(DicomTag.QueryRetrieveLevel);
            yield return match;
            if (++count >= limit)
            {
                yield break; // the client cancels the rest (C-CANCEL)
            }
        }
    }
}
