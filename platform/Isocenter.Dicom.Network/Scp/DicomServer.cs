using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Pdu;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Isocenter.Dicom.Network.Scp;

/// <summary>
/// A DICOM SCP: listens on a TCP port and serves each association on its own task (C-ECHO, C-STORE through
/// <see cref="DicomServerOptions.StoreHandler"/>). <see cref="StopAsync()"/> (or disposing) stops accepting, aborts open
/// associations and waits for them.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private readonly DicomServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _accepting;
    private readonly ConcurrentDictionary<long, Task> _associations = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextId;
    private int _open;

    /// <summary>Creates a server; nothing listens until <see cref="Start"/>.</summary>
    public DicomServer(DicomServerOptions options, ILogger<DicomServer>? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger<DicomServer>.Instance;
        _accepting = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
    }

    /// <summary>The address listened on (with the port the system chose when started on port 0).</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>Associations open now.</summary>
    public int OpenAssociations => Volatile.Read(ref _open);

    /// <summary>Binds <paramref name="endPoint"/> and starts accepting associations.</summary>
    public IPEndPoint Start(IPEndPoint endPoint)
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        Log.Listening(_logger, listener.LocalEndPoint);
        _acceptLoop = AcceptLoopAsync(listener, _accepting.Token, _stopping.Token);
        return (IPEndPoint)listener.LocalEndPoint!;
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken accepting, CancellationToken stopping)
    {
        while (!accepting.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(accepting);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.AcceptFailed(_logger, e);
                continue;
            }
            var id = Interlocked.Increment(ref _nextId);
            var open = Interlocked.Increment(ref _open);
            var task = ServeAsync(socket, open > _options.MaxAssociations, stopping);
            _associations[id] = task;
            _ = task.ContinueWith(_ =>
            {
                _associations.TryRemove(id, out Task? _);
                Interlocked.Decrement(ref _open);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket, bool overLimit, CancellationToken stopping)
    {
        await Task.Yield(); // off the accept loop
        var remote = socket.RemoteEndPoint;
        DicomConnection connection;
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            handshake.CancelAfter(_options.ArtimTimeout);
            connection = await DicomConnection.OpenAsync(socket,
                _options.Tls is { } tls ? (stream, token) => stream.AuthenticateAsServerAsync(tls, token) : null, handshake.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            Log.TlsFailed(_logger, remote, e.Message);
            return;
        }
        await using (connection)
        {
            if (overLimit)
            {
                Log.TooManyAssociations(_logger, connection.RemoteEndPoint, _options.MaxAssociations);
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    timeout.CancelAfter(_options.ArtimTimeout);
                    await connection.ReadAsync(_options.MaxPduLength, timeout.Token);
                    await connection.SendAsync(new AssociateRejectPdu(AssociateRejectResult.Transient, AssociateRejectSource.ServiceProviderPresentation, 2), timeout.Token);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or PduException)
                {
                }
                return;
            }
            try
            {
                await new ScpAssociation(connection, _options, _logger).RunAsync(stopping);
            }
#pragma warning disable CA1031 // one association's failure, whatever it is, must not reach the server
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.AssociationFailed(_logger, e, connection.RemoteEndPoint);
            }
        }
    }

    /// <summary>
    /// Stops accepting and lets the open associations end by themselves (their operations finish, the peers release) for
    /// up to <paramref name="drainTimeout"/>; then aborts those still open and waits for them to end.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        // Synchronously, before anything is awaited: once this returns its first task, a new connection is refused.
#pragma warning disable CA1849 // CancelAsync could yield before the listener is closed
        _accepting.Cancel();
#pragma warning restore CA1849
        _listener?.Dispose();
        await _acceptLoop;
        try
        {
            await Task.WhenAll(_associations.Values).WaitAsync(drainTimeout);
        }
        catch (TimeoutException)
        {
            Log.DrainTimedOut(_logger, OpenAssociations, drainTimeout);
        }
        await StopAsync();
    }

    /// <summary>Stops accepting, aborts the open associations and waits for them to end.</summary>
    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }
        _listener?.Dispose();
        await _acceptLoop;
        await Task.WhenAll(_associations.Values);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _accepting.Dispose();
        _stopping.Dispose();
    }
}
