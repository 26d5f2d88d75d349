using System.IO.Pipelines;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scp;

namespace Isocenter.Dicom.Network.Store;

/// <summary>Runs an <see cref="ICStoreHandler"/> over a dataset whose fragments a read loop writes into a pipe.</summary>
internal static class CStoreReceiver
{
    /// <summary>
    /// The dataset pipe. The handler's continuations run inline on the thread that writes a fragment (the read loop): its
    /// synchronous work between two awaits (copying a fragment to a file) costs no thread hop per fragment, while a handler
    /// that awaits real I/O still releases the read loop at once. Segments of 64 KiB hold a P-DATA fragment in a few pieces.
    /// </summary>
    public static readonly PipeOptions DataPipeOptions = new(readerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 4 * 1024 * 1024,
        resumeWriterThreshold: 2 * 1024 * 1024, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false);

    /// <summary>
    /// The status to answer once the handler is done and the dataset read to its end. A handler that throws
    /// <see cref="DimseFailureException"/> is answered with its status and Error Comment; one that throws anything else with
    /// Processing failure, its message as Error Comment and the exception (for the log). Null when the association ended
    /// first: nobody to answer.
    /// </summary>
    public static async Task<(ushort Status, string? ErrorComment, Exception? Failure)?> ReceiveAsync(ICStoreHandler handler, CStoreRequest request, PipeReader data, CancellationToken ending)
    {
        await Task.Yield(); // the handler runs off the read loop
        await using var stream = data.AsStream();
        try
        {
            var status = await handler.OnCStoreAsync(request, stream, ending);
            await stream.CopyToAsync(Stream.Null, ending); // what the handler left unread
            return (status, null, null);
        }
        catch (Exception e) when (e is OperationCanceledException || IsGone(e))
        {
            return null;
        }
        catch (Exception e)
        {
            try
            {
                await stream.CopyToAsync(Stream.Null, ending);
            }
            catch (Exception drain) when (drain is OperationCanceledException || IsGone(drain))
            {
                return null;
            }
            return e is DimseFailureException refused ? (refused.Status, refused.ErrorComment, null) : (DimseStatus.ProcessingFailure, e.Message, e);
        }
    }

    private static bool IsGone(Exception e) => e is AssociationGoneException || e.InnerException is AssociationGoneException;
}
