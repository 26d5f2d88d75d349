using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Commitment;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Echo;
using Isocenter.Dicom.Network.Pdu;
using Isocenter.Dicom.Network.Query;
using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Dicom.Network.Store;
using Microsoft.Extensions.Logging;

namespace Isocenter.Dicom.Network.Scp;

/// <summary>
/// The acceptor side of one association (PS3.8 9.2 state machine, simplified to what an SCP needs). The read loop never
/// awaits a handler: C-STORE data fragments are written into a pipe that the handler reads on its own task, so an A-ABORT or
/// a dropped connection is seen while a handler runs.
/// </summary>
internal sealed class ScpAssociation(DicomConnection connection, DicomServerOptions options, ILogger logger)
{
    private readonly CommandAssembler _command = new();
    private readonly List<Task> _operations = [];
    private DicomAssociation? _association;
    private Pipe? _data;
    private byte _dataContextId;
    private DicomCommand? _discarding;
    private DicomCommand? _identifierFor; // a C-FIND, C-MOVE or C-GET-RQ whose identifier is arriving
    private readonly ArrayBufferWriter<byte> _identifier = new(256);
    private readonly ConcurrentDictionary<ushort, CancellationTokenSource> _finds = new(); // running C-FINDs, C-MOVEs and C-GETs by message ID, for C-CANCEL
    private RetrieveProvider? _retrieve;
    private CancellationToken _stopping;
    private CancellationTokenSource _ending = null!; // set in RunAsync; cancelled when the association ends: handlers stop with it

    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        _ending = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var remote = connection.RemoteEndPoint;
        string? failure = null;
        var abortReason = AbortReason.NotSpecified;
        try
        {
            if (!await AssociateAsync())
            {
                return;
            }
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                idle.CancelAfter(options.IdleTimeout);
                DicomPdu? pdu;
                try
                {
                    pdu = await connection.ReadAsync(options.MaxPduLength, idle.Token);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    failure = $"idle for {options.IdleTimeout}";
                    return;
                }
                switch (pdu)
                {
                    case null:
                        failure = "the peer closed the connection without releasing";
                        return;
                    case PDataTransferPdu data:
                        using (data)
                        {
                            foreach (var value in data.Values)
                            {
                                await OnPresentationDataValueAsync(value);
                            }
                        }
                        break;
                    case ReleaseRequestPdu:
                        await Task.WhenAll(_operations);
                        await connection.SendAsync(new ReleaseResponsePdu(), stopping);
                        Log.Released(logger, remote);
                        return;
                    case AbortPdu abort:
                        FailData("the association was aborted");
                        Log.Aborted(logger, remote, $"A-ABORT from the peer (source {abort.Source}, reason {abort.Reason})");
                        return;
                    default:
                        abortReason = AbortReason.UnexpectedPdu;
                        failure = $"unexpected {pdu.Type} PDU";
                        return;
                }
            }
        }
        catch (PduException e)
        {
            failure = e.Message;
            abortReason = e.AbortReason;
        }
        catch (DicomReadException e)
        {
            failure = $"unreadable command set: {e.Message}";
            abortReason = AbortReason.InvalidPduParameterValue;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            failure = "the server is stopping";
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            failure = $"connection lost: {e.Message}";
        }
        finally
        {
            if (failure is not null)
            {
                FailData(failure);
                Log.Aborted(logger, remote, failure);
                await connection.TryAbortAsync(AbortSource.ServiceProvider, abortReason);
            }
            await _ending.CancelAsync(); // a handler still running (after an abort or a drop) is told to stop
            try
            {
                await Task.WhenAll(_operations);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // an operation whose response could not be sent: the association is gone
            }
            _ending.Dispose();
        }
    }

    private async Task<bool> AssociateAsync()
    {
        using var artim = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        artim.CancelAfter(options.ArtimTimeout);
        DicomPdu? first;
        try
        {
            first = await connection.ReadAsync(options.MaxPduLength, artim.Token);
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            Log.Aborted(logger, connection.RemoteEndPoint, "no A-ASSOCIATE-RQ before the ARTIM timer expired");
            await connection.TryAbortAsync(AbortSource.ServiceProvider, AbortReason.NotSpecified);
            return false;
        }
        if (first is not AssociatePdu { IsAccept: false } request)
        {
            if (first is not null)
            {
                Log.Aborted(logger, connection.RemoteEndPoint, $"expected A-ASSOCIATE-RQ, got {first.Type}");
                await connection.TryAbortAsync(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu);
            }
            return false;
        }
        var reply = AssociationNegotiator.Negotiate(request, options.Policy);
        var reason = reply.ToString()!;
        if (reply is AssociatePdu && options.CallingPeerValidator?.Invoke(request.CallingAETitle, connection.RemoteEndPoint as IPEndPoint) is { } refusal)
        {
            reply = new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 3); // calling AE title not recognized
            reason = refusal;
        }
        if (reply is not AssociatePdu accept)
        {
            // Logged before the reply goes out, so whoever has seen the rejection can find why in the log.
            Log.Rejected(logger, request.CallingAETitle, request.CalledAETitle, connection.RemoteEndPoint, reason);
            await connection.SendAsync(reply, _stopping);
            return false;
        }
        await connection.SendAsync(reply, _stopping);
        connection.PeerMaxPduLength = request.UserInformation.MaxPduLength;
        _association = new DicomAssociation(request, accept, connection.RemoteEndPoint);
        Log.Accepted(logger, request.CallingAETitle, request.CalledAETitle, connection.RemoteEndPoint, _association.PresentationContexts.Count, request.PresentationContexts.Count);
        return true;
    }

    private async ValueTask OnPresentationDataValueAsync(PresentationDataValue value)
    {
        if (!_association!.PresentationContexts.TryGetValue(value.PresentationContextId, out var context))
        {
            throw new PduException($"PDV on presentation context {value.PresentationContextId}, which was not accepted", AbortReason.InvalidPduParameterValue);
        }
        if (!value.IsCommand)
        {
            await OnDataFragmentAsync(value);
            return;
        }
        if (_data is not null || _discarding is not null || _identifierFor is not null)
        {
            throw new PduException("A command fragment arrived before the last fragment of the previous dataset", AbortReason.UnexpectedPduParameter);
        }
        var bytes = _command.Add(value);
        if (bytes is null)
        {
            return;
        }
        var command = DicomCommand.Decode(bytes);
        Log.Command(logger, command.ToString(), context.Id, connection.RemoteEndPoint);
        switch (command.CommandField)
        {
            case DimseCommandField.CEchoRequest:
                Track(EchoResponder.RespondAsync(connection, context, command, _ending.Token));
                break;
            case DimseCommandField.CStoreRequest when command.HasDataSet && options.StoreHandler is { } handler:
                _data = new Pipe(CStoreReceiver.DataPipeOptions);
                _dataContextId = context.Id;
                Track(StoreAsync(handler, new CStoreRequest(_association, command, context.TransferSyntax), context, _data.Reader));
                break;
            case DimseCommandField.CFindRequest when command.HasDataSet && options.FindHandler is not null:
            case DimseCommandField.CMoveRequest or DimseCommandField.CGetRequest when command.HasDataSet && options.RetrieveHandler is not null:
            case DimseCommandField.NEventReportRequest when command.HasDataSet && options.StorageCommitmentReportHandler is not null
                && context.AbstractSyntax == DicomUid.StorageCommitmentPushModel:
                _identifierFor = command;
                _dataContextId = context.Id;
                break;
            case DimseCommandField.CCancelRequest:
                await CancelFindAsync(command.MessageIdBeingRespondedTo);
                break;
            case DimseCommandField.CStoreResponse:
                _retrieve?.OnStoreResponse(command); // a C-GET sub-operation's answer
                break;
            default:
                if (command.HasDataSet)
                {
                    _discarding = command; // answered once its dataset has gone by
                    _dataContextId = context.Id;
                }
                else
                {
                    Track(RefuseAsync(context, command));
                }
                break;
        }
    }

    private async ValueTask OnDataFragmentAsync(PresentationDataValue value)
    {
        if (value.PresentationContextId != _dataContextId || (_data is null && _discarding is null && _identifierFor is null))
        {
            throw new PduException($"Dataset fragment on presentation context {value.PresentationContextId} without a command announcing it", AbortReason.UnexpectedPduParameter);
        }
        if (_data is { } data)
        {
            // One copy, into the handler's pipe; the flush waits only when the handler is 4 MiB behind.
            var flush = await data.Writer.WriteAsync(value.Data, _stopping);
            if (value.IsLast || flush.IsCompleted)
            {
                await data.Writer.CompleteAsync();
                _data = null;
            }
        }
        else if (_identifierFor is { } find)
        {
            if (_identifier.WrittenCount + value.Data.Length > DimseDataSet.MaxLength)
            {
                throw new PduException($"C-FIND identifier longer than {DimseDataSet.MaxLength} bytes");
            }
            _identifier.Write(value.Data.Span);
            if (value.IsLast)
            {
                _identifierFor = null;
                var context = _association!.PresentationContexts[value.PresentationContextId];
                var identifier = DimseDataSet.Decode(_identifier.WrittenMemory, context.TransferSyntax);
                _identifier.ResetWrittenCount();
                var cancel = CancellationTokenSource.CreateLinkedTokenSource(_ending.Token);
                _finds[find.MessageId] = cancel;
                Track(find.CommandField switch
                {
                    DimseCommandField.CFindRequest => FindAsync(options.FindHandler!, new CFindRequest(_association, find, identifier), context, cancel),
                    DimseCommandField.NEventReportRequest => ReportAsync(options.StorageCommitmentReportHandler!, find, identifier, context, cancel),
                    _ => RetrieveAsync(find, identifier, context, cancel),
                });
            }
        }
        else if (value.IsLast)
        {
            var command = _discarding!;
            _discarding = null;
            Track(RefuseAsync(_association!.PresentationContexts[value.PresentationContextId], command));
        }
    }

    private async Task StoreAsync(ICStoreHandler handler, CStoreRequest request, PresentationContext context, PipeReader data)
    {
        if (await CStoreReceiver.ReceiveAsync(handler, request, data, _ending.Token) is not { } answer)
        {
            return; // the association is gone: nobody to answer
        }
        if (answer.Failure is { } failure)
        {
            Log.StoreHandlerFailed(logger, failure, request.SopInstanceUid);
        }
        await connection.SendCommandAsync(context.Id, DicomCommand.ResponseTo(request.Command, answer.Status, answer.ErrorComment), _ending.Token);
    }

    private async Task FindAsync(ICFindHandler handler, CFindRequest request, PresentationContext context, CancellationTokenSource cancel)
    {
        await Task.Yield(); // the handler runs off the read loop, so a C-CANCEL-RQ gets through
        var token = cancel.Token;
        try
        {
            ushort status = DimseStatus.Success;
            string? error = null;
            try
            {
                await foreach (var match in handler.OnCFindAsync(request, token).WithCancellation(token))
                {
                    await connection.SendCommandAsync(context.Id, DicomCommand.ResponseTo(request.Command, DimseStatus.Pending, hasDataSet: true), _ending.Token);
                    using var bytes = DimseDataSet.Encode(match, context.TransferSyntax);
                    await connection.SendDataSetAsync(context.Id, bytes, _ending.Token);
                }
            }
            catch (Exception e)
            {
                if (token.IsCancellationRequested)
                {
                    status = DimseStatus.Cancel; // C-CANCEL-RQ, or the association ended (then nothing is sent)
                }
                else if (e is DimseFailureException refused)
                {
                    status = refused.Status; // the handler's own answer (Identifier does not match SOP class, ...)
                    error = refused.ErrorComment;
                }
                else
                {
                    // A handler failure (or a response that could not be sent: then the one below fails too, and the
                    // association's end is seen by the read loop).
                    Log.FindHandlerFailed(logger, e, request.SopClassUid);
                    status = DimseStatus.UnableToProcess;
                    error = e.Message;
                }
            }
            if (_ending.IsCancellationRequested)
            {
                return; // the association is gone: nobody to answer
            }
            if (status == DimseStatus.Success && token.IsCancellationRequested)
            {
                status = DimseStatus.Cancel; // cancelled after the last match
            }
            await connection.SendCommandAsync(context.Id, DicomCommand.ResponseTo(request.Command, status, error), _ending.Token);
        }
        finally
        {
            _finds.TryRemove(request.Command.MessageId, out _);
            cancel.Dispose();
        }
    }

    private async Task RetrieveAsync(DicomCommand request, DicomDataset identifier, PresentationContext context, CancellationTokenSource cancel)
    {
        try
        {
            await (_retrieve ??= new RetrieveProvider(connection, _association!, options, logger, _ending.Token)).RunAsync(options.RetrieveHandler!, request, identifier, context, cancel.Token);
        }
        finally
        {
            _finds.TryRemove(request.MessageId, out _);
            cancel.Dispose();
        }
    }

    // A storage commitment result (PS3.4 J.3.3) handed to the application, then answered.
    private async Task ReportAsync(StorageCommitmentReportHandler handler, DicomCommand request, DicomDataset information, PresentationContext context, CancellationTokenSource cancel)
    {
        await Task.Yield(); // off the read loop
        try
        {
            var status = DimseStatus.Success;
            string? error = null;
            try
            {
                await handler(_association!.CallingAETitle, StorageCommitment.ReadEventInformation(information), cancel.Token);
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                Log.CommitmentHandlerFailed(logger, e, _association!.CallingAETitle);
                status = DimseStatus.ProcessingFailure;
                error = e.Message;
            }
            if (!_ending.IsCancellationRequested)
            {
                await connection.SendCommandAsync(context.Id, DicomCommand.ResponseTo(request, status, error), _ending.Token);
            }
        }
        finally
        {
            _finds.TryRemove(request.MessageId, out _);
            cancel.Dispose();
        }
    }

    // A C-CANCEL-RQ for an operation that has ended (or never was) is ignored (PS3.7 9.3.2.3).
    private async Task CancelFindAsync(ushort messageId)
    {
        if (_finds.TryGetValue(messageId, out var find))
        {
            try
            {
                await find.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // the find ended while the C-CANCEL-RQ was on its way
            }
        }
    }

    private Task RefuseAsync(PresentationContext context, DicomCommand command)
    {
        var status = command.CommandField == DimseCommandField.CStoreRequest ? DimseStatus.SopClassNotSupported : (ushort)0x0211; // unrecognized operation
        return connection.SendCommandAsync(context.Id, DicomCommand.ResponseTo(command, status), _ending.Token);
    }

    private void Track(Task operation)
    {
        _operations.RemoveAll(t => t.IsCompletedSuccessfully);
        _operations.Add(operation);
    }

    private void FailData(string reason)
    {
        if (_data is { } data)
        {
            data.Writer.Complete(new AssociationGoneException($"The dataset was cut short: {reason}"));
            _data = null;
        }
    }
}

/// <summary>The association ended (abort, dropped connection, shutdown) before a dataset was complete.</summary>
public sealed class AssociationGoneException(string message) : IOException(message);
