namespace Isocenter.Contracts.Render;

/// <summary>Published by a render instance when a series' volume has finished loading into its cache: its 3D and MPR views are ready.</summary>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="Bytes">What the volume takes on the renderer.</param>
/// <param name="LoadedAt">When the load finished.</param>
public sealed record VolumeLoaded(string StudyInstanceUid, string SeriesInstanceUid, long Bytes, DateTimeOffset LoadedAt);
