namespace Isocenter.Ingest.Tests;

/// <summary>
/// A virtual host of its own, a consumer of InstancesReceived on it, and the service configured as in production: only the
/// listed peers (TESTSCU from loopback; FARAWAY from an address the tests never call from) may associate.
/// </summary>
public sealed class IngestFixture : IAsyncLifetime
{
    public const string CallingAETitle = "TESTSCU";

    public IngestService Service { get; private set; } = null!;

    public InstanceReceivedCollector Messages { get; private set; } = null!;

    /// <summary>The port movescu receives on: the service's C-MOVE destination MOVESCU.</summary>
    public int MoveDestinationPort { get; } = Dcmtk.FreePort();

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "isocenter-ingest-files-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var rabbitMq = await LocalServers.CreateVirtualHostAsync("ingest");
        Messages = await InstanceReceivedCollector.StartAsync(rabbitMq);
        Service = await IngestService.StartAsync(rabbitMq, new Dictionary<string, string?>
        {
            ["Dicom:AllowAnyPeerFromLoopback"] = "false",
            ["Dicom:Peers:0:AETitle"] = CallingAETitle,
            ["Dicom:Peers:0:Host"] = "127.0.0.1",
            ["Dicom:Peers:1:AETitle"] = "FARAWAY",
            ["Dicom:Peers:1:Host"] = "192.0.2.1",
            ["Dicom:MoveDestinations:MOVESCU"] = $"127.0.0.1:{MoveDestinationPort}",
        });
    }

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
        if (Messages is not null)
        {
            await Messages.DisposeAsync();
        }
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
