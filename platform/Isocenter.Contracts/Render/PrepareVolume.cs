namespace Isocenter.Contracts.Render;

/// <summary>
/// Asks the render service to load a series into its volume cache now, so that its 3D and MPR views are ready when a
/// reviewer opens them (sent when a study is opened). Loading what is already cached does nothing.
/// </summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
public sealed record PrepareVolume(string StudyInstanceUid, string SeriesInstanceUid);
