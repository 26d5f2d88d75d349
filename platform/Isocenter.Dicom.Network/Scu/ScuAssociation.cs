using System.Buffers;
using System.Net.Sockets;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Scu;

/// <summary>The requestor side of one association: open, send requests one at a time (reading their responses), release or abort.</summary>
internal sealed class ScuAssociation : IAsyncDisposable
{
    private readonly DicomConnection _connection;
    private readonly DicomClientOptions _options;
    private const int MaxResponseDataSetLength = 16 * 1024 * 1024;

    private readonly CommandAssembler _command = new();
    private readonly Queue<(DicomCommand Response, byte[]? DataSet)> _messages = new();
    private readonly ArrayBufferWriter<byte> _data = new(256);
    private DicomCommand? _awaitingData;
    private ushort _messageId;
    private bool _open;

    private ScuAssociation(DicomConnection connection, DicomClientOptions options, DicomAssociation association)
    {
        _connection = connection;
        _options = options;
        Association = association;
        _open = true;
    }

    public DicomAssociation Association { get; }

    public static async Task<ScuAssociation> OpenAsync(string host, int port, DicomClientOptions options, IReadOnlyList<PresentationContextItem> contexts, CancellationToken cancellationToken)
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
            });
            await connection.SendAsync(request, timeout.Token);
            var reply = await connection.ReadAsync(options.MaxPduLength, timeout.Token);
            switch (reply)
            {
                case AssociatePdu { IsAccept: true } accept:
                    connection.PeerMaxPduLength = accept.UserInformation.MaxPduLength;
                    return new ScuAssociation(connection, options, new DicomAssociation(request, accept, connection.RemoteEndPoint));
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
                var message = await ReadMessageAsync(timeout.Token);
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

    private async Task<(DicomCommand Response, byte[]? DataSet)> ReadMessageAsync(CancellationToken cancellationToken)
    {
        (DicomCommand Response, byte[]? DataSet) ready;
        while (!_messages.TryDequeue(out ready))
        {
            var pdu = await _connection.ReadAsync(_options.MaxPduLength, cancellationToken);
            switch (pdu)
            {
                case PDataTransferPdu data:
                    using (data)
                    {
                        foreach (var value in data.Values)
                        {
                            OnPresentationDataValue(value);
                        }
                    }
                    break;
                case AbortPdu abort:
                    _open = false;
                    throw new DicomAssociationAbortedException(abort);
                case null:
                    _open = false;
                    throw new DicomNetworkException("The peer closed the connection during the association");
                default:
                    await AbortAsync();
                    throw new DicomNetworkException($"Unexpected {pdu.Type} PDU while waiting for a response");
            }
        }
        return ready;
    }

    // Completes messages (a command, and the dataset it announces) from the PDVs of a P-DATA-TF; a PDU may hold several.
    private void OnPresentationDataValue(PresentationDataValue value)
    {
        if (!value.IsCommand)
        {
            if (_awaitingData is not { } command)
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
                _messages.Enqueue((command, _data.WrittenSpan.ToArray()));
                _data.ResetWrittenCount();
                _awaitingData = null;
            }
            return;
        }
        if (_command.Add(value) is { } bytes)
        {
            var command = DicomCommand.Decode(bytes);
            if (command.HasDataSet)
            {
                _awaitingData = command;
            }
            else
            {
                _messages.Enqueue((command, null));
            }
        }
    }

    /// <summary>Releases the association (A-RELEASE-RQ, waits for A-RELEASE-RP).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (!_open)
        {
            return;
        }
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
            _open = false;
            await _connection.TryAbortAsync(AbortSource.ServiceUser, AbortReason.NotSpecified);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await AbortAsync();
        await _connection.DisposeAsync();
    }
}
