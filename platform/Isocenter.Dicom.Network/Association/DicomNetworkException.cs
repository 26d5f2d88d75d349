using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Association;

/// <summary>The association failed: rejected, aborted, closed, or a peer that broke the protocol or timed out.</summary>
public class DicomNetworkException : DicomException
{
    /// <summary>Creates the exception.</summary>
    public DicomNetworkException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public DicomNetworkException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The acceptor answered with A-ASSOCIATE-RJ.</summary>
public sealed class DicomAssociationRejectedException(AssociateRejectPdu reject)
    : DicomNetworkException($"Association rejected: result {reject.Result}, source {reject.Source}, reason {reject.Reason}")
{
    /// <summary>The A-ASSOCIATE-RJ received.</summary>
    public AssociateRejectPdu Reject { get; } = reject;
}

/// <summary>The peer sent A-ABORT.</summary>
public sealed class DicomAssociationAbortedException(AbortPdu abort)
    : DicomNetworkException($"Association aborted by the peer: source {abort.Source}, reason {abort.Reason}")
{
    /// <summary>The A-ABORT received.</summary>
    public AbortPdu Abort { get; } = abort;
}

/// <summary>
/// A failure status: the peer answered a request with one (C-FIND: refused, identifier does not match, unable to process),
/// or, thrown by an SCP's C-STORE or C-FIND handler, the status and Error Comment it answers with.
/// </summary>
public sealed class DimseFailureException(string operation, ushort status, string? errorComment)
    : DicomNetworkException($"{operation} failed: status 0x{status:X4}{(errorComment is null ? "" : $" ({errorComment})")}")
{
    /// <summary>The Status (0000,0900) of the final response.</summary>
    public ushort Status { get; } = status;

    /// <summary>The Error Comment (0000,0902) of the final response, if any.</summary>
    public string? ErrorComment { get; } = errorComment;
}
