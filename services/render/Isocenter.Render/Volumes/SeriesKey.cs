using Isocenter.Dicom;

namespace Isocenter.Render.Volumes;

/// <summary>A series of a study, by UIDs checked against PS3.5 9.1.</summary>
public sealed record SeriesKey
{
    /// <summary>The series; throws <see cref="RenderException"/> (400) for a malformed UID.</summary>
    public SeriesKey(string studyInstanceUid, string seriesInstanceUid)
    {
        StudyInstanceUid = Valid(studyInstanceUid, "study");
        SeriesInstanceUid = Valid(seriesInstanceUid, "series");
    }

    /// <summary>Study Instance UID (0020,000D).</summary>
    public string StudyInstanceUid { get; }

    /// <summary>Series Instance UID (0020,000E).</summary>
    public string SeriesInstanceUid { get; }

    public override string ToString() => $"series {SeriesInstanceUid} of study {StudyInstanceUid}";

    private static string Valid(string uid, string what) =>
        DicomUid.IsValid(uid) ? uid : throw RenderException.BadRequest($"'{uid}' is not a valid {what} instance UID (PS3.5 9.1: digits and dots, at most 64 characters).");
}
