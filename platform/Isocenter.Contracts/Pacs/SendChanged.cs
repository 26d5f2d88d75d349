namespace Isocenter.Contracts.Pacs;

/// <summary>
/// Published by the PACS service when a send's progress changes (at most about 4 times a second per send) and on every
/// change of its state; it is the send as <c>GET /api/sends/{id}</c> answers it (docs/pacs.md).
/// </summary>
/// <param name="Id">The send's id.</param>
/// <param name="Node">The node it sends to.</param>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">The one series sent, or null for the whole study.</param>
/// <param name="State"><c>queued</c>, <c>running</c>, <c>completed</c>, <c>partial</c> or <c>failed</c> (<see cref="PacsJobStates"/>).</param>
/// <param name="Total">Instances to send.</param>
/// <param name="Completed">Instances the node accepted.</param>
/// <param name="Failed">Instances the node refused or that could not be sent.</param>
/// <param name="FailedInstances">Their SOP Instance UIDs.</param>
/// <param name="Error">Why it failed or is partial, readable; null otherwise.</param>
/// <param name="Attempts">How many times it has been started.</param>
/// <param name="CreatedAt">When it was asked for.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record SendChanged(
    Guid Id,
    string Node,
    string StudyInstanceUid,
    string? SeriesInstanceUid,
    string State,
    int Total,
    int Completed,
    int Failed,
    IReadOnlyList<string> FailedInstances,
    string? Error,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
