namespace Isocenter.Dicom.Network.Commitment;

/// <summary>A SOP instance named in a storage commitment request or report (an item of the Referenced SOP Sequence).</summary>
public sealed record SopReference(string SopClassUid, string SopInstanceUid);

/// <summary>An instance the peer did not commit, with its Failure Reason (0008,1197) (PS3.3 C.14.1.1: 0110 processing failure, 0112 no such object instance, ...).</summary>
public sealed record CommitmentFailure(SopReference Instance, ushort? FailureReason);

/// <summary>The storage commitment result of one transaction (PS3.4 J.3.3): the instances committed and those that failed.</summary>
public sealed record StorageCommitmentResult(string TransactionUid, IReadOnlyList<SopReference> Committed, IReadOnlyList<CommitmentFailure> Failed);

/// <summary>
/// Receives the N-EVENT-REPORT-RQ of a storage commitment SCP (PS3.4 J.3.3), on an association of the SCU's own or on one the
/// SCP opened to this side. An exception is answered with Processing failure (0110): the SCP may send the report again.
/// </summary>
public delegate ValueTask StorageCommitmentReportHandler(string callingAETitle, StorageCommitmentResult result, CancellationToken cancellationToken);

/// <summary>The Storage Commitment Push Model SOP Class (PS3.4 J.3): its action and event information.</summary>
public static class StorageCommitment
{
    /// <summary>Action Type ID of "Request Storage Commitment" (PS3.4 J.3.2).</summary>
    public const ushort RequestActionTypeId = 1;

    /// <summary>The N-ACTION-RQ's action information (PS3.4 J.3.2.1.1): Transaction UID and Referenced SOP Sequence.</summary>
    public static DicomDataset ActionInformation(string transactionUid, IEnumerable<SopReference> instances) => new DicomDataset()
        .Set(DicomTag.TransactionUID, transactionUid)
        .Set(DicomTag.ReferencedSOPSequence, [.. instances.Select(Item)]);

    /// <summary>Reads the event information of an N-EVENT-REPORT-RQ (lenient: items without UIDs are skipped).</summary>
    /// <exception cref="DicomDataException">It has no Transaction UID.</exception>
    public static StorageCommitmentResult ReadEventInformation(DicomDataset eventInformation)
    {
        var transaction = eventInformation.GetString(DicomTag.TransactionUID)
            ?? throw new DicomDataException("The storage commitment report has no Transaction UID (0008,1195)");
        return new StorageCommitmentResult(transaction,
            [.. Items(eventInformation, DicomTag.ReferencedSOPSequence).Select(i => i.Reference).OfType<SopReference>()],
            [.. Items(eventInformation, DicomTag.FailedSOPSequence).Where(i => i.Reference is not null)
                .Select(i => new CommitmentFailure(i.Reference!, i.Item.TryGetValue<ushort>(DicomTag.FailureReason, out var reason) ? reason : null))]);
    }

    private static DicomDataset Item(SopReference instance) => new DicomDataset()
        .Set(DicomTag.ReferencedSOPClassUID, instance.SopClassUid)
        .Set(DicomTag.ReferencedSOPInstanceUID, instance.SopInstanceUid);

    private static IEnumerable<(DicomDataset Item, SopReference? Reference)> Items(DicomDataset dataset, DicomTag sequence) =>
        (dataset.GetSequence(sequence)?.Items ?? []).Select(item => (item,
            item.GetString(DicomTag.ReferencedSOPClassUID) is { } sopClass && item.GetString(DicomTag.ReferencedSOPInstanceUID) is { } sopInstance
                ? new SopReference(sopClass, sopInstance) : null));
}
