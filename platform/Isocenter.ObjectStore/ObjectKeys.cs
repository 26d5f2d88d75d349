using Isocenter.Dicom;

namespace Isocenter.ObjectStore;

/// <summary>
/// The one place object keys are built, from DICOM UIDs only (never from user-supplied paths): each UID is checked against
/// PS3.5 9.1, so a key cannot hold anything but digits, dots and the fixed parts below.
/// </summary>
public static class ObjectKeys
{
    /// <summary><c>instances/{study}/{series}/{sop}.dcm</c>: a stored SOP instance (Part 10 file).</summary>
    public static string Instance(string studyInstanceUid, string seriesInstanceUid, string sopInstanceUid) =>
        $"{SeriesInstances(studyInstanceUid, seriesInstanceUid)}{Uid(sopInstanceUid, nameof(sopInstanceUid))}.dcm";

    /// <summary><c>instances/{study}/{series}/</c>: the prefix under which a series' instances are stored.</summary>
    public static string SeriesInstances(string studyInstanceUid, string seriesInstanceUid) =>
        $"instances/{Uid(studyInstanceUid, nameof(studyInstanceUid))}/{Uid(seriesInstanceUid, nameof(seriesInstanceUid))}/";

    /// <summary><c>thumbnails/{study}/{series}.jpg</c>: a series' thumbnail (JPEG).</summary>
    public static string SeriesThumbnail(string studyInstanceUid, string seriesInstanceUid) =>
        $"thumbnails/{Uid(studyInstanceUid, nameof(studyInstanceUid))}/{Uid(seriesInstanceUid, nameof(seriesInstanceUid))}.jpg";

    private static string Uid(string uid, string parameter) => DicomUid.IsValid(uid)
        ? uid
        : throw new ArgumentException($"'{uid}' is not a valid DICOM UID (PS3.5 9.1).", parameter);
}
