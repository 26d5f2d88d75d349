using System.Collections.Concurrent;
using System.Net;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scp;
using Isocenter.Dicom.Network.Store;

namespace Isocenter.Dicom.Network.Tests;

/// <summary>A received dataset: its bytes as they arrived and the context's transfer syntax.</summary>
internal sealed record Received(string SopClassUid, DicomTransferSyntax TransferSyntax, byte[] Bytes, string CallingAETitle, string? User);

/// <summary>Our SCP on a loopback port chosen by the system, keeping what it receives in memory.</summary>
internal sealed class ReceivingServer : IAsyncDisposable
{
    public ReceivingServer(Func<DicomServerOptions, DicomServerOptions>? configure = null)
    {
        var options = new DicomServerOptions { AETitles = ["ISOCENTER"], StoreHandler = new CStoreHandler(ReceiveAsync) };
        Server = new DicomServer(configure is null ? options : configure(options));
        Port = Server.Start(new IPEndPoint(IPAddress.Loopback, 0)).Port;
    }

    public DicomServer Server { get; }

    public int Port { get; }

    public ConcurrentDictionary<string, Received> Datasets { get; } = new();

    public ConcurrentQueue<Exception> Failures { get; } = new();

    private async ValueTask<ushort> ReceiveAsync(CStoreRequest request, Stream dataset, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await dataset.CopyToAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            Failures.Enqueue(e);
            throw;
        }
        var identity = request.Association.UserIdentity;
        Datasets[request.SopInstanceUid] = new Received(request.SopClassUid, request.TransferSyntax, buffer.ToArray(), request.Association.CallingAETitle,
            identity is null ? null : System.Text.Encoding.UTF8.GetString(identity.PrimaryField.Span));
        return DimseStatus.Success;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
