namespace Isocenter.Contracts.Ingest;

/// <summary>
/// Published by ingest when a peer reports the result of a storage commitment request (N-EVENT-REPORT-RQ, PS3.4 J.3.3) on
/// an association it opened to ingest's SCP, as most storage commitment SCPs do; the PACS service matches it to its send by
/// Transaction UID.
/// </summary>
/// <param name="TransactionUid">The Transaction UID (0008,1195) of the request.</param>
/// <param name="CallingAETitle">The AE title of the peer that reported it.</param>
/// <param name="CommittedInstances">SOP Instance UIDs the peer has committed to store (Referenced SOP Sequence).</param>
/// <param name="FailedInstances">SOP Instance UIDs it has not (Failed SOP Sequence).</param>
/// <param name="ReportedAt">When the report arrived.</param>
public sealed record StorageCommitmentReported(
    string TransactionUid,
    string CallingAETitle,
    IReadOnlyList<string> CommittedInstances,
    IReadOnlyList<string> FailedInstances,
    DateTimeOffset ReportedAt);
