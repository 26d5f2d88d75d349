using System.Globalization;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Pacs.Nodes;

namespace Isocenter.Pacs.Echo;

/// <summary>
/// Tests a node: one association proposing Verification and Study Root FIND, MOVE and GET (with CT Image Storage in the SCP
/// role, which C-GET needs), C-ECHO on it, every failure diagnosed (<see cref="NodeProblem"/>).
/// </summary>
public sealed partial class EchoService(NodeConnector connector, TimeProvider time, ILogger<EchoService> logger)
{
    private static readonly string[] Proposed =
    [
        DicomUid.Verification,
        DicomUid.StudyRootQueryRetrieveInformationModelFind,
        DicomUid.StudyRootQueryRetrieveInformationModelMove,
        DicomUid.StudyRootQueryRetrieveInformationModelGet,
        DicomUid.CTImageStorage,
    ];

    /// <summary>Echoes <paramref name="node"/> (valid); the result says what went wrong rather than throwing.</summary>
    public async Task<EchoResult> EchoAsync(DicomNode node, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            var probe = await connector.Client(node).ProbeAsync(Proposed, [DicomUid.CTImageStorage], cancellationToken).ConfigureAwait(false);
            var services = new EchoServices(
                probe.EchoStatus == DimseStatus.Success,
                probe.AcceptedSopClasses.Contains(DicomUid.StudyRootQueryRetrieveInformationModelFind),
                probe.AcceptedSopClasses.Contains(DicomUid.StudyRootQueryRetrieveInformationModelMove),
                probe.AcceptedSopClasses.Contains(DicomUid.StudyRootQueryRetrieveInformationModelGet));
            var milliseconds = (long)time.GetElapsedTime(started).TotalMilliseconds;
            return services switch
            {
                { Echo: true } => new EchoResult(true, milliseconds, null, Succeeded(node, services, milliseconds), services),
                { Find: false, Move: false, Get: false } when probe.EchoStatus is null => new EchoResult(false, milliseconds, NodeProblem.NoPresentationContext,
                    "The peer accepted the association but none of Verification, Study Root C-FIND, C-MOVE or C-GET: it is no PACS we can query or echo; check the node's host, port and AE title.",
                    services),
                _ when probe.EchoStatus is null => new EchoResult(false, milliseconds, NodeProblem.NoPresentationContext,
                    "The peer accepted the association but not Verification (C-ECHO): it cannot be tested, though it may still be queried.", services),
                _ => new EchoResult(false, milliseconds, "failed",
                    $"The peer answered C-ECHO with status 0x{probe.EchoStatus:X4}: check the PACS's log.", services),
            };
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && connector.Diagnose(e, node) is { } problem)
        {
            LogEchoFailed(logger, node.Name, problem.Code, e.Message);
            return new EchoResult(false, (long)time.GetElapsedTime(started).TotalMilliseconds, problem.Code, problem.Message, EchoServices.None);
        }
    }

    // What a successful echo says: plain success, or success with what does not fit the node's settings.
    private static string Succeeded(DicomNode node, EchoServices services, long milliseconds)
    {
        var warnings = new List<string>();
        if (node.RetrieveMethod == RetrieveMethods.Get && !services.Get)
        {
            warnings.Add(services.Move
                ? "the peer does not support C-GET: set its retrieve method to C-MOVE."
                : "the peer does not support C-GET (nor C-MOVE): it cannot be retrieved from.");
        }
        else if (node.RetrieveMethod == RetrieveMethods.Move && !services.Move && node.Query)
        {
            warnings.Add(services.Get
                ? "the peer does not support C-MOVE: set its retrieve method to C-GET."
                : "the peer does not support C-MOVE (nor C-GET): it cannot be retrieved from.");
        }
        if (node.Query && !services.Find)
        {
            warnings.Add("the peer does not accept Study Root C-FIND: it cannot be queried (clear 'query' if it is only a storage destination).");
        }
        return warnings.Count == 0
            ? $"Echo succeeded in {milliseconds.ToString(CultureInfo.InvariantCulture)} ms."
            : "Echo succeeded, but " + string.Join(" Also, ", warnings);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Echo of node {Node} failed: {Problem} ({Reason})")]
    private static partial void LogEchoFailed(ILogger logger, string node, string problem, string reason);
}
