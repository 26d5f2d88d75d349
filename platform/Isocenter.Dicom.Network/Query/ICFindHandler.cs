using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;

namespace Isocenter.Dicom.Network.Query;

/// <summary>A C-FIND request as the SCP's handler sees it.</summary>
/// <param name="Association">The association it arrived on.</param>
/// <param name="Command">The C-FIND-RQ command set.</param>
/// <param name="Identifier">The identifier: the keys to match and to return (PS3.4 C.4.1.1.3).</param>
public sealed record CFindRequest(DicomAssociation Association, DicomCommand Command, DicomDataset Identifier)
{
    /// <summary>Affected SOP Class UID: the information model (Patient Root, Study Root, ...).</summary>
    public string SopClassUid => Command.AffectedSopClassUid ?? "";

    /// <summary>Query/Retrieve Level (0008,0052) of the identifier.</summary>
    public string? QueryRetrieveLevel => Identifier.GetString(DicomTag.QueryRetrieveLevel);
}

/// <summary>
/// Answers C-FIND requests. Each dataset yielded goes back as a Pending response (FF00); when the enumeration ends the
/// SCP sends Success. The token is cancelled by a C-CANCEL-RQ for this request or when the association ends: the SCP then
/// sends Cancel (FE00) or nothing. A <see cref="DimseFailureException"/> from the handler is answered with its status and
/// Error Comment (Identifier does not match SOP class A900, ...); any other exception with Unable to process (C000) and its
/// message. Matching rules are the handler's (PS3.4 C.2.2.2).
/// </summary>
public interface ICFindHandler
{
    /// <summary>The matches of <paramref name="request"/>.</summary>
    IAsyncEnumerable<DicomDataset> OnCFindAsync(CFindRequest request, CancellationToken cancellationToken);
}

/// <summary>An <see cref="ICFindHandler"/> from a delegate.</summary>
public sealed class CFindHandler(Func<CFindRequest, CancellationToken, IAsyncEnumerable<DicomDataset>> handle) : ICFindHandler
{
    /// <inheritdoc/>
    public IAsyncEnumerable<DicomDataset> OnCFindAsync(CFindRequest request, CancellationToken cancellationToken) => handle(request, cancellationToken);
}
