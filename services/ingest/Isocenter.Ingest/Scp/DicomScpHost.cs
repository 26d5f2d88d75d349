using System.Globalization;
using System.Net;
using Isocenter.Contracts.Ingest;
using Isocenter.Dicom.Network.Commitment;
using Isocenter.Dicom.Network.Scp;
using Isocenter.Index;
using Isocenter.Ingest.Query;
using Isocenter.Ingest.Retrieve;
using Isocenter.Ingest.Store;
using Isocenter.ObjectStore;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Isocenter.Ingest.Scp;

/// <summary>
/// Runs the archive's <see cref="DicomServer"/> for the host's lifetime (after the bus has started, stopped before it):
/// C-ECHO, C-STORE through <see cref="InstanceStoreHandler"/>, C-FIND, C-MOVE and C-GET from the index and the object store,
/// and storage commitment reports (N-EVENT-REPORT, PS3.4 J.3.3) published as <see cref="StorageCommitmentReported"/> for the
/// PACS service's sends. On stop, it stops
/// accepting and lets open associations finish for <see cref="IngestOptions.DrainTimeout"/> before aborting them. As a
/// health check, it is healthy while the SCP listens.
/// </summary>
public sealed partial class DicomScpHost(
    IOptions<IngestOptions> options, InstanceStoreHandler storeHandler, IObjectStore store, IIndexStore index, IBus bus, TimeProvider time, ILoggerFactory loggers,
    ILogger<DicomScpHost> logger)
    : IHostedService, IHealthCheck, IAsyncDisposable
{
    private readonly IngestOptions _options = options.Value;
    private DicomServer? _server;

    /// <summary>The address the SCP listens on (the port chosen by the system when configured as 0); null before start.</summary>
    public IPEndPoint? LocalEndPoint => _server?.LocalEndPoint;

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var peers = await PeerAllowlist.CreateAsync(_options, logger, cancellationToken);
        _server = new DicomServer(new DicomServerOptions
        {
            AETitles = [_options.AETitle],
            CallingPeerValidator = peers.Check,
            StoreHandler = storeHandler,
            FindHandler = new IndexFindHandler(index),
            RetrieveHandler = new IndexRetrieveHandler(index, store),
            StorageCommitmentReportHandler = PublishCommitmentReportAsync,
            MoveDestinations = MoveDestinations(_options),
            MaxAssociations = _options.MaxAssociations,
            ArtimTimeout = _options.ArtimTimeout,
            IdleTimeout = _options.IdleTimeout,
        }, loggers.CreateLogger<DicomServer>());
        var endPoint = _server.Start(new IPEndPoint(IPAddress.Parse(_options.Address), _options.Port));
        LogListening(logger, _options.AETitle, endPoint);
    }

    // Publisher confirms are on: the peer is answered Success once the broker has the report, Processing failure otherwise.
    private async ValueTask PublishCommitmentReportAsync(string callingAETitle, StorageCommitmentResult result, CancellationToken cancellationToken)
    {
        LogCommitmentReport(logger, result.TransactionUid, callingAETitle, result.Committed.Count, result.Failed.Count);
        await bus.Publish(new StorageCommitmentReported(result.TransactionUid, callingAETitle, [.. result.Committed.Select(r => r.SopInstanceUid)],
            [.. result.Failed.Select(f => f.Instance.SopInstanceUid)], time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(_options.DrainTimeout) ?? Task.CompletedTask;

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocalEndPoint is { } endPoint
            ? HealthCheckResult.Healthy($"the SCP is listening on {endPoint} as {_options.AETitle}")
            : HealthCheckResult.Unhealthy("the SCP is not listening"));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>The peers with a port, then <see cref="IngestOptions.MoveDestinations"/> (<c>host:port</c>), which win.</summary>
    internal static Dictionary<string, DnsEndPoint> MoveDestinations(IngestOptions options)
    {
        var destinations = new Dictionary<string, DnsEndPoint>(StringComparer.Ordinal);
        foreach (var peer in options.Peers.Where(p => p.Port > 0))
        {
            destinations[peer.AETitle] = new DnsEndPoint(peer.Host, peer.Port);
        }
        foreach (var (aeTitle, address) in options.MoveDestinations)
        {
            var colon = address.LastIndexOf(':');
            destinations[aeTitle] = colon > 0 && int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? new DnsEndPoint(address[..colon], port)
                : throw new InvalidOperationException($"Dicom:MoveDestinations:{aeTitle} is '{address}', not host:port.");
        }
        return destinations;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage commitment report {TransactionUid} from {CallingAETitle}: {Committed} committed, {Failed} failed")]
    private static partial void LogCommitmentReport(ILogger logger, string transactionUid, string callingAETitle, int committed, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "DICOM SCP {AETitle} listening on {EndPoint}: C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET")]
    private static partial void LogListening(ILogger logger, string aeTitle, IPEndPoint endPoint);
}
