using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;

namespace Isocenter.Dicom.Network.Store;

/// <summary>A C-STORE request as the SCP's handler sees it.</summary>
/// <param name="Association">The association it arrived on.</param>
/// <param name="Command">The C-STORE-RQ command set.</param>
/// <param name="TransferSyntax">The transfer syntax of the presentation context: the encoding of the dataset bytes.</param>
public sealed record CStoreRequest(DicomAssociation Association, DicomCommand Command, DicomTransferSyntax TransferSyntax)
{
    /// <summary>Affected SOP Class UID.</summary>
    public string SopClassUid => Command.AffectedSopClassUid ?? "";

    /// <summary>Affected SOP Instance UID.</summary>
    public string SopInstanceUid => Command.AffectedSopInstanceUid ?? "";
}

/// <summary>
/// Receives the datasets of C-STORE requests. <c>dataset</c> yields the dataset bytes (no meta header) as the P-DATA
/// fragments arrive; it ends at the last fragment. When the association is aborted or the connection drops first, reading
/// throws an <see cref="IOException"/> (<see cref="Scp.AssociationGoneException"/>) and the cancellation token is cancelled;
/// whichever the handler sees first, it should discard what it has. The returned status goes back in the C-STORE-RSP; to
/// answer a failure with an Error Comment, throw <see cref="DimseFailureException"/> (any other exception is answered with
/// Processing failure 0110 and its message).
/// </summary>
public interface ICStoreHandler
{
    /// <summary>Stores one dataset; returns a <see cref="DimseStatus"/> value.</summary>
    ValueTask<ushort> OnCStoreAsync(CStoreRequest request, Stream dataset, CancellationToken cancellationToken);
}

/// <summary>An <see cref="ICStoreHandler"/> from a delegate.</summary>
public sealed class CStoreHandler(Func<CStoreRequest, Stream, CancellationToken, ValueTask<ushort>> handle) : ICStoreHandler
{
    /// <inheritdoc/>
    public ValueTask<ushort> OnCStoreAsync(CStoreRequest request, Stream dataset, CancellationToken cancellationToken) =>
        handle(request, dataset, cancellationToken);
}
