using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;

namespace Isocenter.Dicom.Network.Retrieve;

/// <summary>A C-MOVE or C-GET request as the SCP's handler sees it.</summary>
/// <param name="Association">The association it arrived on.</param>
/// <param name="Command">The C-MOVE-RQ or C-GET-RQ command set.</param>
/// <param name="Identifier">The identifier: the unique keys of what to retrieve at its level (PS3.4 C.4.2.1.4).</param>
public sealed record CRetrieveRequest(DicomAssociation Association, DicomCommand Command, DicomDataset Identifier)
{
    /// <summary>Affected SOP Class UID: the information model (Patient Root or Study Root, MOVE or GET).</summary>
    public string SopClassUid => Command.AffectedSopClassUid ?? "";

    /// <summary>Query/Retrieve Level (0008,0052) of the identifier.</summary>
    public string? QueryRetrieveLevel => Identifier.GetString(DicomTag.QueryRetrieveLevel);
}

/// <summary>
/// Resolves C-MOVE and C-GET requests to the Part 10 files of the instances to send, each opened only when its turn comes. The SCP sends each as a C-STORE
/// sub-operation (to the move destination on an association of its own, or back on the same association for C-GET) with
/// a Pending response after each, then Success, Warning (B000, with the Failed SOP Instance UID List) or Cancel (FE00)
/// after a C-CANCEL-RQ. A <see cref="DimseFailureException"/> from the handler is answered with its status and Error Comment
/// (Identifier does not match SOP class A900, ...); any other exception with Unable to process (C000) and its message.
/// </summary>
public interface ICRetrieveHandler
{
    /// <summary>The files of the instances <paramref name="request"/> asks for.</summary>
    ValueTask<IReadOnlyList<DicomFileSource>> OnCRetrieveAsync(CRetrieveRequest request, CancellationToken cancellationToken);
}

/// <summary>An <see cref="ICRetrieveHandler"/> from a delegate.</summary>
public sealed class CRetrieveHandler(Func<CRetrieveRequest, CancellationToken, ValueTask<IReadOnlyList<DicomFileSource>>> handle) : ICRetrieveHandler
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DicomFileSource>> OnCRetrieveAsync(CRetrieveRequest request, CancellationToken cancellationToken) => handle(request, cancellationToken);
}
