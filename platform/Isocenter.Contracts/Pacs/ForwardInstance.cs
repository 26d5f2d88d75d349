namespace Isocenter.Contracts.Pacs;

/// <summary>
/// Tells the PACS service to C-STORE one received instance to a node because a forward rule matched it; queued durably and
/// retried until the node takes it, so that a stopped node delays forwarding but never loses an instance.
/// </summary>
/// <param name="Rule">The forward rule that matched.</param>
/// <param name="Node">The node to send to.</param>
/// <param name="StudyInstanceUid">Study Instance UID (0020,000D).</param>
/// <param name="SeriesInstanceUid">Series Instance UID (0020,000E).</param>
/// <param name="SopInstanceUid">SOP Instance UID (0008,0018).</param>
/// <param name="SopClassUid">SOP Class UID (0008,0016).</param>
/// <param name="TransferSyntaxUid">The transfer syntax the object is stored in.</param>
/// <param name="ObjectKey">Where the Part 10 file is in the object store.</param>
public sealed record ForwardInstance(
    string Rule,
    string Node,
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string SopInstanceUid,
    string SopClassUid,
    string TransferSyntaxUid,
    string ObjectKey);
