using System.Collections.Concurrent;
using System.Net.Sockets;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scp;
using Isocenter.Dicom.Network.Scu;
using Isocenter.Dicom.Network.Store;
using Microsoft.Extensions.Logging;

namespace Isocenter.Dicom.Network.Retrieve;

/// <summary>
/// The SCP side of C-MOVE and C-GET on one association (PS3.4 C.4.2, C.4.3): resolves the identifier through the
/// <see cref="ICRetrieveHandler"/>, sends the C-STORE sub-operations (to the move destination through a
/// <see cref="DicomClient"/>, or on this association for C-GET), answers Pending after each, then the final status. Runs
/// on its own task; the read loop hands it the C-STORE-RSPs of C-GET sub-operations through <see cref="OnStoreResponse"/>.
/// </summary>
internal sealed class RetrieveProvider(DicomConnection connection, DicomAssociation association, DicomServerOptions options, ILogger logger, CancellationToken ending) : IStoreChannel
{
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<DicomCommand>> _awaiting = new(); // C-GET sub-operations by message ID
    private int _messageId;

    /// <summary>Serves one C-MOVE-RQ or C-GET-RQ; <paramref name="cancel"/> is cancelled by a C-CANCEL-RQ for it.</summary>
    public async Task RunAsync(ICRetrieveHandler handler, DicomCommand command, DicomDataset identifier, PresentationContext context, CancellationToken cancel)
    {
        await Task.Yield(); // off the read loop, so C-CANCEL-RQ and the sub-operations' responses get through
        try
        {
            var isMove = command.CommandField == DimseCommandField.CMoveRequest;
            if (isMove && !options.MoveDestinations.ContainsKey(command.MoveDestination ?? ""))
            {
                RetrieveLog.UnknownDestination(logger, association.CallingAETitle, command.MoveDestination);
                await RespondAsync(context, command, DimseStatus.MoveDestinationUnknown, default, [], $"Unknown move destination {command.MoveDestination}");
                return;
            }
            IReadOnlyList<DicomFileSource> sources;
            try
            {
                sources = await handler.OnCRetrieveAsync(new CRetrieveRequest(association, command, identifier), cancel);
            }
            catch (Exception e) when (!ending.IsCancellationRequested)
            {
                // Cancelled; refused by the handler with its own status (Identifier does not match SOP class, ...); or failed.
                (ushort Status, string? Error) refusal = cancel.IsCancellationRequested ? (DimseStatus.Cancel, null)
                    : e is DimseFailureException refused ? (refused.Status, refused.ErrorComment)
                    : (DimseStatus.UnableToProcess, e.Message);
                if (refusal.Status == DimseStatus.UnableToProcess)
                {
                    RetrieveLog.HandlerFailed(logger, e, command.AffectedSopClassUid ?? "");
                }
                await RespondAsync(context, command, refusal.Status, default, [], refusal.Error);
                return;
            }
            var tally = new Tally(sources.Count);
            async ValueTask<bool> OnResult(CStoreResult result)
            {
                tally.Add(result);
                if (tally.Counts.Remaining > 0 && !cancel.IsCancellationRequested)
                {
                    await RespondAsync(context, command, DimseStatus.Pending, tally.Counts, [], null);
                }
                return !cancel.IsCancellationRequested;
            }
            string? error = null;
            if (isMove)
            {
                int reported;
                (error, reported) = await MoveAsync(command, sources, OnResult);
                foreach (var source in sources.Skip(reported))
                {
                    tally.Add(new CStoreResult(source.Name, null, null, error)); // never sent: the destination failed
                }
            }
            else
            {
                foreach (var source in sources)
                {
                    if (!await OnResult(await CStoreSender.SendAsync(source, (_, _) => ValueTask.FromResult<IStoreChannel>(this), null, ending)))
                    {
                        break;
                    }
                }
            }
            var status = cancel.IsCancellationRequested && tally.Counts.Remaining > 0 ? DimseStatus.Cancel
                : tally.Counts.Failed + tally.Counts.Warning > 0 ? DimseStatus.SubOperationsWarning : DimseStatus.Success;
            await RespondAsync(context, command, status, tally.Counts, tally.FailedUids, error);
        }
        catch (Exception e) when (ending.IsCancellationRequested && e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // the association is gone: nobody to answer
        }
    }

    // Sends the files to the move destination on an association of its own; returns why it stopped early (or null) and
    // how many outcomes were reported.
    private async Task<(string? Error, int Reported)> MoveAsync(DicomCommand command, IReadOnlyList<DicomFileSource> sources, Func<CStoreResult, ValueTask<bool>> onResult)
    {
        if (sources.Count == 0)
        {
            return (null, 0);
        }
        var destination = command.MoveDestination!;
        var address = options.MoveDestinations[destination];
        var client = new DicomClient(address.Host, address.Port, options.MoveClientOptions with { CallingAETitle = association.CalledAETitle, CalledAETitle = destination });
        var sent = 0;
        try
        {
            await client.SendFilesAsync(sources, (association.CallingAETitle, command.MessageId), result =>
            {
                sent++;
                return onResult(result);
            }, ending);
            return (null, sent);
        }
        catch (Exception e) when (!ending.IsCancellationRequested && e is DicomNetworkException or IOException or SocketException or OperationCanceledException)
        {
            RetrieveLog.MoveFailed(logger, e, destination, sent, sources.Count);
            return (e.Message, sent);
        }
    }

    private async Task RespondAsync(PresentationContext context, DicomCommand request, ushort status, SubOperationCounts counts, IReadOnlyList<string> failedUids, string? error)
    {
        var final = status != DimseStatus.Pending;
        var response = DicomCommand.ResponseTo(request, status, error, hasDataSet: failedUids.Count > 0);
        if (status != DimseStatus.MoveDestinationUnknown && status != DimseStatus.UnableToProcess)
        {
            response.WithSubOperations(counts, withRemaining: !final || status == DimseStatus.Cancel);
        }
        await connection.SendCommandAsync(context.Id, response, ending);
        if (failedUids.Count > 0)
        {
            using var identifier = DimseDataSet.Encode(new DicomDataset().Set(DicomTag.FailedSOPInstanceUIDList, [.. failedUids]), context.TransferSyntax);
            await connection.SendDataSetAsync(context.Id, identifier, ending);
        }
    }

    /// <summary>A C-STORE-RSP from the peer: completes the C-GET sub-operation it answers.</summary>
    public void OnStoreResponse(DicomCommand response)
    {
        if (_awaiting.TryRemove(response.MessageIdBeingRespondedTo, out var awaiting))
        {
            awaiting.TrySetResult(response);
        }
    }

    // C-GET sub-operations go only where the requestor took the SCP role (PS3.7 D.3.3.4).
    PresentationContext? IStoreChannel.FindStoreContext(string sopClassUid, DicomTransferSyntax syntax) =>
        association.Accept.UserInformation.RoleSelections.Any(r => r.SopClassUid == sopClassUid && r.ScpRole) ? association.FindContext(sopClassUid, syntax) : null;

    async Task<DicomCommand> IStoreChannel.SendAsync(PresentationContext context, Func<ushort, DicomCommand> makeRequest, Stream? dataset, CancellationToken cancellationToken)
    {
        var id = (ushort)Interlocked.Increment(ref _messageId);
        var awaiting = new TaskCompletionSource<DicomCommand>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaiting[id] = awaiting;
        try
        {
            await connection.SendCommandAsync(context.Id, makeRequest(id), cancellationToken);
            if (dataset is not null)
            {
                await connection.SendDataSetAsync(context.Id, dataset, cancellationToken);
            }
            return await awaiting.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _awaiting.TryRemove(id, out _);
        }
    }

    // Sub-operation outcomes so far, as the responses report them (PS3.4 C.4.2.1.5: warning = stored with a warning status).
    private sealed class Tally(int total)
    {
        private readonly List<string> _failed = [];
        private int _completed, _failures, _warnings;

        public IReadOnlyList<string> FailedUids => _failed;

        public SubOperationCounts Counts => new(Clamp(total - _completed - _failures - _warnings), Clamp(_completed), Clamp(_failures), Clamp(_warnings));

        public void Add(CStoreResult result)
        {
            if (result.Status == DimseStatus.Success)
            {
                _completed++;
            }
            else if (result.Succeeded)
            {
                _warnings++;
            }
            else
            {
                _failures++;
                if (result.SopInstanceUid is { } uid)
                {
                    _failed.Add(uid);
                }
            }
        }

        private static ushort Clamp(int count) => (ushort)Math.Min(count, ushort.MaxValue);
    }
}
