using System.Net;
using System.Net.Sockets;

namespace Isocenter.Ingest.Scp;

/// <summary>
/// Who may associate: a configured peer (AE title) from one of its host's addresses, or, with
/// <see cref="IngestOptions.AllowAnyPeerFromLoopback"/>, any AE title from a loopback address. Host names are resolved when
/// the service starts.
/// </summary>
internal sealed partial class PeerAllowlist(IReadOnlyDictionary<string, HashSet<IPAddress>> peers, bool anyFromLoopback)
{
    /// <summary>Resolves the peers' hosts; a host that cannot be resolved is logged, and its peer cannot associate.</summary>
    public static async Task<PeerAllowlist> CreateAsync(IngestOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var peers = new Dictionary<string, HashSet<IPAddress>>(StringComparer.Ordinal);
        foreach (var peer in options.Peers)
        {
            var addresses = peers.TryGetValue(peer.AETitle, out var known) ? known : peers[peer.AETitle] = [];
            try
            {
                addresses.UnionWith((await Dns.GetHostAddressesAsync(peer.Host, cancellationToken)).Select(Normalize));
            }
            catch (SocketException e)
            {
                LogUnresolved(logger, peer.AETitle, peer.Host, e.Message);
            }
        }
        return new PeerAllowlist(peers, options.AllowAnyPeerFromLoopback);
    }

    /// <summary>Null when <paramref name="callingAETitle"/> may associate from <paramref name="remote"/>; otherwise why not.</summary>
    public string? Check(string callingAETitle, IPEndPoint? remote)
    {
        var address = remote is null ? null : Normalize(remote.Address);
        if (peers.TryGetValue(callingAETitle, out var addresses))
        {
            return address is not null && addresses.Contains(address)
                ? null
                : $"calling AE title {callingAETitle} is a configured peer, but not from {address}";
        }
        return anyFromLoopback && address is not null && IPAddress.IsLoopback(address)
            ? null
            : $"calling AE title {callingAETitle} is not a configured peer (Dicom:Peers)";
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Peer {AETitle}: host {Host} cannot be resolved ({Reason}); it cannot associate")]
    private static partial void LogUnresolved(ILogger logger, string aeTitle, string host, string reason);
}
