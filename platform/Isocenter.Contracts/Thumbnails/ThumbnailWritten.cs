namespace Isocenter.Contracts.Thumbnails;

/// <summary>Published by the thumbnail service after it wrote a series' thumbnail (the viewer's activity feed shows it).</summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="ObjectKey">Where the thumbnail is in the object store (<c>thumbnails/{study}/{series}.jpg</c>).</param>
/// <param name="WrittenAt">When it was written.</param>
public sealed record ThumbnailWritten(string StudyInstanceUid, string SeriesInstanceUid, string ObjectKey, DateTimeOffset WrittenAt);
