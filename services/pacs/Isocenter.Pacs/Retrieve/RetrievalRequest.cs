namespace Isocenter.Pacs.Retrieve;

/// <summary>The body of <c>POST /api/retrievals</c>.</summary>
/// <param name="StudyInstanceUid">The study to retrieve.</param>
/// <param name="Node">The node to retrieve it from; null to look for it in every query-enabled node.</param>
/// <param name="SeriesInstanceUids">Some of its series only; null or empty for all.</param>
/// <param name="Method">C-MOVE or C-GET; null for the node's retrieve method.</param>
public sealed record RetrievalRequest(string? StudyInstanceUid, string? Node, IReadOnlyList<string>? SeriesInstanceUids, string? Method);
