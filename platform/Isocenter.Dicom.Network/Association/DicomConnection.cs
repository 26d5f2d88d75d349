using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Association;

/// <summary>
/// One TCP connection carrying PDUs: reads through a <see cref="PipeReader"/>, writes through a <see cref="PipeWriter"/>
/// under a lock (a handler's response and the read loop's A-ABORT may be sent at the same time), and fragments commands
/// and datasets into P-DATA-TF PDUs no longer than the peer accepts. With TLS (PS3.15 Annex B) the pipes run over an
/// <see cref="SslStream"/> authenticated before the first PDU.
/// </summary>
internal sealed class DicomConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    // Dataset PDUs are flushed to the socket in batches of about this many bytes (and at the last fragment).
    private const int FlushThreshold = 128 * 1024;

    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private DicomConnection(Socket socket, SslStream? tls)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = (Stream?)tls ?? new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
        Writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
    }

    /// <summary>
    /// A connection over <paramref name="socket"/>; with <paramref name="authenticate"/> (the server or client side of the
    /// TLS handshake), over TLS once it succeeded. The socket is closed when the handshake fails.
    /// </summary>
    public static async ValueTask<DicomConnection> OpenAsync(Socket socket, Func<SslStream, CancellationToken, Task>? authenticate, CancellationToken cancellationToken)
    {
        if (authenticate is null)
        {
            return new DicomConnection(socket, null);
        }
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            await authenticate(tls, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new DicomConnection(socket, tls);
    }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    public EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>Maximum P-DATA-TF PDU length the peer accepts (0 = unlimited).</summary>
    public uint PeerMaxPduLength { get; set; } = 16 * 1024;

    /// <summary>Largest PDV value that fits one PDU for the peer.</summary>
    public int MaxFragment => PeerMaxPduLength is 0 or > 4 * 1024 * 1024 ? 4 * 1024 * 1024 - 6 : (int)Math.Max(PeerMaxPduLength, 256) - 6;

    public ValueTask<DicomPdu?> ReadAsync(uint maxPDataLength, CancellationToken cancellationToken) =>
        PduReader.ReadAsync(Reader, maxPDataLength, cancellationToken);

    public async Task SendAsync(DicomPdu pdu, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PduWriter.Write(Writer, pdu);
            await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends A-ABORT, ignoring a connection that is already gone.</summary>
    public async Task TryAbortAsync(AbortSource source, AbortReason reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await SendAsync(new AbortPdu(source, reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // the peer is gone or not reading: nothing more to tell it
        }
    }

    public async Task SendCommandAsync(byte contextId, DicomCommand command, CancellationToken cancellationToken)
    {
        var bytes = command.Encode();
        await SendFragmentsAsync(contextId, isCommand: true, bytes, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendFragmentsAsync(byte contextId, bool isCommand, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var max = MaxFragment;
        var at = 0;
        do
        {
            var length = Math.Min(max, bytes.Length - at);
            await SendPDataAsync(contextId, isCommand, at + length == bytes.Length, bytes.Slice(at, length), cancellationToken).ConfigureAwait(false);
            at += length;
        }
        while (at < bytes.Length);
    }

    /// <summary>Sends the rest of <paramref name="dataset"/> as data fragments, the last one marked; reads one fragment ahead.</summary>
    public async Task SendDataSetAsync(byte contextId, Stream dataset, CancellationToken cancellationToken)
    {
        var size = MaxFragment;
        var current = ArrayPool<byte>.Shared.Rent(size);
        var next = ArrayPool<byte>.Shared.Rent(size);
        var unflushed = 0;
        try
        {
            var count = await dataset.ReadAtLeastAsync(current.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var nextCount = count == size
                    ? await dataset.ReadAtLeastAsync(next.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)
                    : 0;
                unflushed += count;
                var flush = nextCount == 0 || unflushed >= FlushThreshold;
                await SendPDataAsync(contextId, false, nextCount == 0, current.AsMemory(0, count), cancellationToken, flush).ConfigureAwait(false);
                unflushed = flush ? 0 : unflushed;
                if (nextCount == 0)
                {
                    return;
                }
                (current, next) = (next, current);
                count = nextCount;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private async Task SendPDataAsync(byte contextId, bool isCommand, bool isLast, ReadOnlyMemory<byte> fragment, CancellationToken cancellationToken, bool flush = true)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PduWriter.WritePData(Writer, contextId, isCommand, isLast, fragment.Span);
            if (flush)
            {
                await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // unflushed bytes to a closed peer
        }
        await Reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }
}
