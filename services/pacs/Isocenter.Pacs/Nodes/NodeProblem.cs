using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Pacs.Nodes;

/// <summary>
/// Why talking to a node failed, as the API reports it: a code (<c>problem</c>: refused, unreachable, timeout,
/// called-ae-rejected, calling-ae-rejected, rejected, aborted, no-presentation-context, tls, failed) and a sentence saying
/// what happened and what to do (<c>message</c>, or a ProblemDetails' <c>detail</c>).
/// </summary>
/// <param name="Code">The problem code.</param>
/// <param name="Message">What happened and what to do.</param>
public sealed record NodeProblem(string Code, string Message)
{
    /// <summary>The peer accepted none of what was proposed (or not what the operation needs).</summary>
    public const string NoPresentationContext = "no-presentation-context";

    /// <summary>
    /// The problem behind <paramref name="exception"/>, thrown while talking to <paramref name="node"/> as
    /// <paramref name="callingAETitle"/>, or null when it is not a network or DICOM failure (a bug: let it through).
    /// A cancellation counts as a timeout: callers catch it only when their own token was not cancelled.
    /// </summary>
    public static NodeProblem? From(Exception exception, DicomNode node, string callingAETitle, TimeSpan timeout)
    {
        var peer = $"{node.Host}:{node.Port}";
        return exception switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => new("refused",
                $"Nothing accepts connections at {peer} (connection refused): check the node's host and port, and that the PACS is running."),
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => new("unreachable",
                $"The host name '{node.Host}' cannot be resolved: check the node's host."),
            SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown or SocketError.AddressNotAvailable } => new("unreachable",
                $"{peer} cannot be reached from this server (no route to the host): check the node's host and the network between them."),
            SocketException { SocketErrorCode: SocketError.TimedOut } or OperationCanceledException or TimeoutException => new("timeout",
                $"No answer from {peer} within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s: check the node's host and port, that the PACS is running, and that no firewall drops the connection."),
            DicomAssociationRejectedException { Reject: { Source: AssociateRejectSource.ServiceUser, Reason: 7 } } => new("called-ae-rejected",
                $"The peer at {peer} does not answer to the AE title '{node.AETitle}' (called AE title not recognized): check the node's AE title."),
            DicomAssociationRejectedException { Reject: { Source: AssociateRejectSource.ServiceUser, Reason: 3 } } => new("calling-ae-rejected",
                $"The peer does not accept our AE title '{callingAETitle}' (calling AE title not recognized): add {callingAETitle} at this server's address to the PACS's list of known nodes (in Orthanc: DicomModalities)."),
            DicomAssociationRejectedException rejected => new("rejected",
                $"The peer at {peer} rejected the association ({Describe(rejected.Reject)}): check the PACS's log and its list of known nodes."),
            DicomAssociationAbortedException aborted => new("aborted",
                $"The peer at {peer} aborted the association (A-ABORT, source {aborted.Abort.Source}, reason {aborted.Abort.Reason}): check the PACS's log; it may not know our AE title '{callingAETitle}'."),
            AuthenticationException => new("tls",
                $"The TLS handshake with {peer} failed ({exception.Message}): check that the node speaks TLS on this port and that its certificate is trusted here."),
            IOException when node.Tls => new("tls",
                $"The TLS connection to {peer} failed ({exception.Message}): check that the node speaks TLS on this port."),
            DicomNetworkException or IOException or SocketException => new("failed",
                $"Talking to {peer} failed: {exception.Message}. Check the PACS's log."),
            _ => null,
        };
    }

    private static string Describe(AssociateRejectPdu reject) => (reject.Source, reject.Reason) switch
    {
        (AssociateRejectSource.ServiceUser, 2) => "application context name not supported",
        (AssociateRejectSource.ServiceProviderAcse, 2) => "protocol version not supported",
        (AssociateRejectSource.ServiceProviderPresentation, 1) => "temporary congestion, try again later",
        (AssociateRejectSource.ServiceProviderPresentation, 2) => "local limit exceeded, try again later",
        _ => $"{(reject.Result == AssociateRejectResult.Transient ? "transient" : "permanent")}, source {reject.Source}, reason {reject.Reason}",
    };
}
