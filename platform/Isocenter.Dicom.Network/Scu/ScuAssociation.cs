using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Pdu;
using Isocenter.Dicom.Network.Scp;
using Isocenter.Dicom.Network.Store;

namespace Isocenter.Dicom.Network.Scu;

/// <summary>
/// The requestor side of one association: open, send requests one at a time (reading their responses), release or abort.
/// With a store handler (C-GET), C-STORE-RQ sub-operations arriving between the responses are streamed into it on its own
/// task, which sends the C-STORE-RSP.
/// </summary>
internal sealed class ScuAssociation : IAsyncDisposable, IStoreChannel
{
    private readonly DicomConnection _connection;
    private readonly DicomClientOptions _options;
    private const int MaxResponseDataSetLength = 16 * 1024 * 1024;

    private readonly CommandAssembler _command = new();
    private readonly Queue<(DicomCommand Response, byte[]? DataSet)> _messages = new();
    private readonly Queue<(DicomCommand Request, byte[]? DataSet, byte ContextId)> _requests = new(); // requests of the peer (N-EVENT-REPORT)
    private readonly ArrayBufferWriter<byte> _data = new(256);
    private (DicomCommand Command, byte ContextId)? _awaitingData;
    private ushort _messageId;
    private bool _open;
    private readonly ICStoreHandler? _storeHandler;
    private Pipe? _storeData; // the C-STORE sub-operation whose dataset is arriving
    private readonly List<Task> _stores = [];
    private readonly CancellationTokenSource _ending = new(); // cancelled when the association ends: store handlers stop

    private ScuAssociation(DicomConnection connection, DicomClientOptions options, DicomAssociation association, ICStoreHandler? storeHandler)
    {
        _connection = connection;
        _options = options;
        Association = association;
        _storeHandler = storeHandler;
        _open = true;
    }

    public DicomAssociation Association { get; }

    /// <summary>
    /// Connects and negotiates <paramref name="contexts"/> (and <paramref name="roles"/>); C-STORE-RQs the peer sends go to
    /// <paramref name="storeHandler"/>.
    /// </summary>
    public static async Task<ScuAssociation> OpenAsync(string host, int port, DicomClientOptions options, IReadOnlyList<PresentationContextItem> contexts, CancellationToken cancellationToken,
        IReadOnlyList<RoleSelection>? roles = null, ICStoreHandler? storeHandler = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.AssociationTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var connection = await DicomConnection.OpenAsync(socket,
            options.Tls is { } tls ? (stream, token) => stream.AuthenticateAsClientAsync(tls, token) : null, timeout.Token);
        try
        {
            var request = new AssociatePdu(false, options.CalledAETitle, options.CallingAETitle, contexts, new UserInformation
            {
                MaxPduLength = options.MaxPduLength,
                ImplementationVersionName = DicomFile.ImplementationVersionName,
                RoleSelections = roles ?? [],
            });
            await connection.SendAsync(request, timeout.Token);
            var reply = await connection.ReadAsync(options.MaxPduLength, timeout.Token);
            switch (reply)
            {
                case AssociatePdu { IsAccept: true } accept:
                    connection.PeerMaxPduLength = accept.UserInformation.MaxPduLength;
                    return new ScuAssociation(connection, options, new DicomAssociation(request, accept, connection.RemoteEndPoint), storeHandler);
                case AssociateRejectPdu reject:
                    throw new DicomAssociationRejectedException(reject);
                case AbortPdu abort:
                    throw new DicomAssociationAbortedException(abort);
                case null:
                    throw new DicomNetworkException("The peer closed the connection instead of answering the A-ASSOCIATE-RQ");
                default:
                    await connection.TryAbortAsync(AbortSource.ServiceUser, AbortReason.UnexpectedPdu);
                    throw new DicomNetworkException($"Unexpected {reply.Type} PDU in answer to A-ASSOCIATE-RQ");
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public PresentationContext? FindStoreContext(string sopClassUid, DicomTransferSyntax syntax) => Association.FindContext(sopClassUid, syntax);

    /// <summary>Sends a request (and its dataset) and returns the final response.</summary>
    public async Task<DicomCommand> SendAsync(PresentationContext context, Func<ushort, DicomCommand> makeRequest, Stream? dataset, CancellationToken cancellationToken)
    {
        var request = await SendRequestAsync(context, makeRequest, dataset, cancellationToken);
        while (true)
        {
            var (response, _) = await ReadResponseAsync(request, cancellationToken);
            if (!DimseStatus.IsPending(response.Status))
            {
                return response;
            }
        }
    }

    /// <summary>Sends a request (and its dataset); returns it, for <see cref="ReadResponseAsync"/>.</summary>
    public async Task<DicomCommand> SendRequestAsync(PresentationContext context, Func<ushort, DicomCommand> makeRequest, Stream? dataset, CancellationToken cancellationToken)
    {
        var request = makeRequest(++_messageId);
        await _connection.SendCommandAsync(context.Id, request, cancellationToken);
        if (dataset is not null)
        {
            await _connection.SendDataSetAsync(context.Id, dataset, cancellationToken);
        }
        return request;
    }

    /// <summary>Sends C-CANCEL-RQ for <paramref name="request"/> (PS3.7 9.3.2.3) on its context.</summary>
    public Task SendCancelAsync(PresentationContext context, DicomCommand request, CancellationToken cancellationToken) =>
        _connection.SendCommandAsync(context.Id, DicomCommand.CCancelRequest(request.MessageId), cancellationToken);

    /// <summary>
    /// The next response to <paramref name="request"/> (pending or final) and the bytes of its dataset, if any, within the
    /// DIMSE timeout; on timeout the association is aborted.
    /// </summary>
    public async Task<(DicomCommand Response, byte[]? DataSet)> ReadResponseAsync(DicomCommand request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DimseTimeout);
        try
        {
            while (true)
            {
                await ReadUntilAsync(() => _messages.Count > 0, timeout.Token);
                var message = _messages.Dequeue();
                if (message.Response.MessageIdBeingRespondedTo == request.MessageId)
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await AbortAsync();
            throw new DicomNetworkException($"No response to {request} within {_options.DimseTimeout}");
        }
    }

    /// <summary>
    /// The next request the peer sends on this association (an N-EVENT-REPORT-RQ), the bytes of its dataset and its
    /// presentation context ID; the caller answers it with <see cref="SendResponseAsync"/>.
    /// </summary>
    public async Task<(DicomCommand Request, byte[]? DataSet, byte ContextId)> ReadRequestAsync(CancellationToken cancellationToken)
    {
        await ReadUntilAsync(() => _requests.Count > 0, cancellationToken);
        return _requests.Dequeue();
    }

    /// <summary>Answers a request of the peer.</summary>
    public Task SendResponseAsync(byte contextId, DicomCommand response, CancellationToken cancellationToken) =>
        _connection.SendCommandAsync(contextId, response, cancellationToken);

    private async Task ReadUntilAsync(Func<bool> ready, CancellationToken cancellationToken)
    {
        while (!ready())
        {
            var pdu = await _connection.ReadAsync(_options.MaxPduLength, cancellationToken);
            switch (pdu)
            {
                case PDataTransferPdu data:
                    using (data)
                    {
                        foreach (var value in data.Values)
                        {
                            await OnPresentationDataValueAsync(value, cancellationToken);
                        }
                    }
                    break;
                case AbortPdu abort:
                    await EndAsync("the association was aborted");
                    throw new DicomAssociationAbortedException(abort);
                case null:
                    await EndAsync("the peer closed the connection");
                    throw new DicomNetworkException("The peer closed the connection during the association");
                default:
                    await AbortAsync();
                    throw new DicomNetworkException($"Unexpected {pdu.Type} PDU while waiting for a response");
            }
        }
    }

    // Completes messages (a command, and the dataset it announces) from the PDVs of a P-DATA-TF; a PDU may hold several.
    // A C-STORE sub-operation's dataset goes into its handler's pipe instead (the write waits when the handler is 4 MiB behind).
    private async ValueTask OnPresentationDataValueAsync(PresentationDataValue value, CancellationToken cancellationToken)
    {
        if (!value.IsCommand && _storeData is { } store)
        {
            var flush = await store.Writer.WriteAsync(value.Data, cancellationToken);
            if (value.IsLast || flush.IsCompleted)
            {
                await store.Writer.CompleteAsync();
                _storeData = null;
            }
            return;
        }
        if (!value.IsCommand)
        {
            if (_awaitingData is not { } awaiting)
            {
                throw new DicomNetworkException("A dataset fragment arrived without a command announcing it");
            }
            if (_data.WrittenCount + value.Data.Length > MaxResponseDataSetLength)
            {
                throw new DicomNetworkException($"Response dataset longer than {MaxResponseDataSetLength} bytes");
            }
            _data.Write(value.Data.Span);
            if (value.IsLast)
            {
                Enqueue(awaiting.Command, _data.WrittenSpan.ToArray(), awaiting.ContextId);
                _data.ResetWrittenCount();
                _awaitingData = null;
            }
            return;
        }
        if (_command.Add(value) is { } bytes)
        {
            var command = DicomCommand.Decode(bytes);
            if (command.CommandField == DimseCommandField.CStoreRequest && command.HasDataSet && _storeHandler is { } handler
                && Association.PresentationContexts.TryGetValue(value.PresentationContextId, out var context))
            {
                _storeData = new Pipe(CStoreReceiver.DataPipeOptions);
                _stores.RemoveAll(t => t.IsCompleted);
                _stores.Add(ReceiveStoreAsync(handler, new CStoreRequest(Association, command, context.TransferSyntax), context, _storeData.Reader));
            }
            else if (command.HasDataSet)
            {
                _awaitingData = (command, value.PresentationContextId);
            }
            else
            {
                Enqueue(command, null, value.PresentationContextId);
            }
        }
    }

    private void Enqueue(DicomCommand command, byte[]? dataSet, byte contextId)
    {
        if (command.IsResponse)
        {
            _messages.Enqueue((command, dataSet));
        }
        else
        {
            _requests.Enqueue((command, dataSet, contextId));
        }
    }

    private async Task ReceiveStoreAsync(ICStoreHandler handler, CStoreRequest request, PresentationContext context, PipeReader data)
    {
        if (await CStoreReceiver.ReceiveAsync(handler, request, data, _ending.Token) is { } answer)
        {
            await _connection.SendCommandAsync(context.Id, DicomCommand.ResponseTo(request.Command, answer.Status, answer.ErrorComment), _ending.Token);
        }
    }

    // The association is gone: a sub-operation's dataset is cut short and its handler told to stop.
    private async Task EndAsync(string reason)
    {
        _open = false;
        if (_storeData is { } store)
        {
            await store.Writer.CompleteAsync(new AssociationGoneException($"The dataset was cut short: {reason}"));
            _storeData = null;
        }
        await _ending.CancelAsync();
    }

    /// <summary>Releases the association (A-RELEASE-RQ, waits for A-RELEASE-RP) once the C-STORE sub-operations have answered.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (!_open)
        {
            return;
        }
        await Task.WhenAll(_stores).WaitAsync(cancellationToken);
        _open = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AssociationTimeout);
        await _connection.SendAsync(new ReleaseRequestPdu(), timeout.Token);
        while (true)
        {
            var pdu = await _connection.ReadAsync(_options.MaxPduLength, timeout.Token);
            switch (pdu)
            {
                case ReleaseResponsePdu or null:
                    return;
                case AbortPdu abort:
                    throw new DicomAssociationAbortedException(abort);
                case PDataTransferPdu data:
                    data.Dispose();
                    break;
                default:
                    throw new DicomNetworkException($"Unexpected {pdu.Type} PDU in answer to A-RELEASE-RQ");
            }
        }
    }

    public async Task AbortAsync()
    {
        if (_open)
        {
            await EndAsync("the association was aborted");
            await _connection.TryAbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await AbortAsync();
        await _ending.CancelAsync();
        try
        {
            await Task.WhenAll(_stores);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // a sub-operation whose response could not be sent: the association is gone
        }
        await _connection.DisposeAsync();
        _ending.Dispose();
    }
}
