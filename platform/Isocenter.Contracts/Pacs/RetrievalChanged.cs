namespace Isocenter.Contracts.Pacs;

/// <summary>
/// Published by the PACS service when a retrieval's progress changes (at most about 4 times a second per retrieval) and on
/// every change of its state; it is the retrieval as <c>GET /api/retrievals/{id}</c> answers it (docs/pacs.md).
/// </summary>
/// <param name="Id">The retrieval's id.</param>
/// <param name="Node">The node it retrieves from.</param>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="Method"><c>C-MOVE</c> or <c>C-GET</c>.</param>
/// <param name="State"><c>queued</c>, <c>running</c>, <c>completed</c>, <c>partial</c> or <c>failed</c> (<see cref="PacsJobStates"/>).</param>
/// <param name="Series">Each series being retrieved (empty until the node has been asked which it holds).</param>
/// <param name="FailedInstances">SOP Instance UIDs the node reported it could not send.</param>
/// <param name="Error">Why it failed or is partial, readable; null otherwise.</param>
/// <param name="Attempts">How many times it has been started (network failures are retried).</param>
/// <param name="CreatedAt">When it was asked for.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record RetrievalChanged(
    Guid Id,
    string Node,
    string StudyInstanceUid,
    string Method,
    string State,
    IReadOnlyList<RetrievalSeries> Series,
    IReadOnlyList<string> FailedInstances,
    string? Error,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One series of a retrieval, with the sub-operation counts the node reported for it.</summary>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="Modality">Modality (0008,0060), as the node answered it.</param>
/// <param name="SeriesNumber">Series Number (0020,0011).</param>
/// <param name="Description">Series Description (0008,103E).</param>
/// <param name="Expected">Instances to retrieve (the node's count, or its sub-operation total once it has answered).</param>
/// <param name="Completed">Sub-operations completed.</param>
/// <param name="Failed">Sub-operations failed.</param>
/// <param name="Warning">Sub-operations completed with a warning.</param>
/// <param name="State">The series' own state (<see cref="PacsJobStates"/>).</param>
public sealed record RetrievalSeries(
    string SeriesInstanceUid,
    string? Modality,
    string? SeriesNumber,
    string? Description,
    int Expected,
    int Completed,
    int Failed,
    int Warning,
    string State);
