using System.Net;
using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Dicom.Network.Scp;

namespace Isocenter.Dicom.Network.Tests.Retrieve;

/// <summary>
/// Our SCP with a retrieve handler that answers every C-MOVE and C-GET with <see cref="Files"/>, as
/// <see cref="DicomFileSource.FromPath"/> or <paramref name="source"/> makes them.
/// </summary>
internal sealed class RetrievingServer : IAsyncDisposable
{
    public RetrievingServer(IReadOnlyList<string> files, IReadOnlyDictionary<string, DnsEndPoint>? destinations = null, Func<CRetrieveRequest, CancellationToken, ValueTask>? onRequest = null,
        Func<string, DicomFileSource>? source = null)
    {
        Files = files;
        Server = new DicomServer(new DicomServerOptions
        {
            AETitles = ["ISOCENTER"],
            RetrieveHandler = new CRetrieveHandler(async (request, token) =>
            {
                Requests.Add(request);
                if (onRequest is not null)
                {
                    await onRequest(request, token);
                }
                return Files.Select(source ?? DicomFileSource.FromPath).ToList();
            }),
            MoveDestinations = destinations ?? new Dictionary<string, DnsEndPoint>(),
        });
        Port = Server.Start(new IPEndPoint(IPAddress.Loopback, 0)).Port;
    }

    public IReadOnlyList<string> Files { get; }

    public List<CRetrieveRequest> Requests { get; } = [];

    public DicomServer Server { get; }

    public int Port { get; }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
