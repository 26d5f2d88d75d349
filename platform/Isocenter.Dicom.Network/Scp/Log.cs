using System.Net;
using Microsoft.Extensions.Logging;

namespace Isocenter.Dicom.Network.Scp;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "DICOM server listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint? endPoint);

    [LoggerMessage(2, LogLevel.Information, "Association accepted: {Calling} -> {Called} from {Remote}, {Accepted}/{Proposed} presentation contexts")]
    public static partial void Accepted(ILogger logger, string calling, string called, EndPoint? remote, int accepted, int proposed);

    [LoggerMessage(3, LogLevel.Warning, "Association rejected: {Calling} -> {Called} from {Remote}: {Reason}")]
    public static partial void Rejected(ILogger logger, string calling, string called, EndPoint? remote, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Association from {Remote} aborted: {Reason}")]
    public static partial void Aborted(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(5, LogLevel.Information, "Association from {Remote} released")]
    public static partial void Released(ILogger logger, EndPoint? remote);

    [LoggerMessage(6, LogLevel.Debug, "{Command} on context {ContextId} from {Remote}")]
    public static partial void Command(ILogger logger, string command, byte contextId, EndPoint? remote);

    [LoggerMessage(7, LogLevel.Error, "C-STORE handler failed for {SopInstanceUid}")]
    public static partial void StoreHandlerFailed(ILogger logger, Exception exception, string sopInstanceUid);

    [LoggerMessage(11, LogLevel.Error, "C-FIND handler failed for {SopClassUid}")]
    public static partial void FindHandlerFailed(ILogger logger, Exception exception, string sopClassUid);

    [LoggerMessage(14, LogLevel.Error, "Storage commitment report handler failed for a report from {CallingAETitle}")]
    public static partial void CommitmentHandlerFailed(ILogger logger, Exception exception, string callingAETitle);

    [LoggerMessage(8, LogLevel.Warning, "Connection from {Remote} refused: {Limit} associations already open")]
    public static partial void TooManyAssociations(ILogger logger, EndPoint? remote, int limit);

    [LoggerMessage(10, LogLevel.Error, "Association from {Remote} failed")]
    public static partial void AssociationFailed(ILogger logger, Exception exception, EndPoint? remote);

    [LoggerMessage(12, LogLevel.Warning, "TLS handshake with {Remote} failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(13, LogLevel.Warning, "Stopping: {Open} association(s) still open after {Timeout}, aborting them")]
    public static partial void DrainTimedOut(ILogger logger, int open, TimeSpan timeout);

    [LoggerMessage(9, LogLevel.Error, "Accepting connections failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);
}
