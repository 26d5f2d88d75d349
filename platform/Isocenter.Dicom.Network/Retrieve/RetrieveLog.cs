using Microsoft.Extensions.Logging;

namespace Isocenter.Dicom.Network.Retrieve;

internal static partial class RetrieveLog
{
    [LoggerMessage(20, LogLevel.Error, "C-MOVE/C-GET handler failed for {SopClassUid}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string sopClassUid);

    [LoggerMessage(21, LogLevel.Warning, "C-MOVE to {Destination} failed after {Sent} of {Total} sub-operations")]
    public static partial void MoveFailed(ILogger logger, Exception exception, string destination, int sent, int total);

    [LoggerMessage(22, LogLevel.Warning, "C-MOVE-RQ from {Calling} names an unknown move destination {Destination}")]
    public static partial void UnknownDestination(ILogger logger, string calling, string? destination);
}
