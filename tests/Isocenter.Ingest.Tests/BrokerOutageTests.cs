using Isocenter.Dicom;
using Isocenter.ObjectStore;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Isocenter.Ingest.Tests;

/// <summary>When the InstancesReceived announcing an instance cannot be delivered, the sender never hears Success: it keeps the instance and retries.</summary>
public sealed class BrokerOutageTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-ingest-outage-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task StoreScu_BrokerUnreachable_OutOfResourcesNotSuccess()
    {
        var closed = new UriBuilder(LocalServers.RabbitMqUri) { Port = Dcmtk.FreePort() }.Uri;
        // The host waits for the bus at start (the SCP listens only once the broker is there); not waiting here stands for
        // a broker that went away while the service runs.
        await using var service = await IngestService.StartAsync(closed, new Dictionary<string, string?> { ["Dicom:PublishTimeout"] = "00:00:02" },
            services => services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = false));
        var file = DemoFiles.WriteSeries(_folder, 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];

        var run = await StoreScuAsync(service, file);

        Assert.True(run.Output.Contains("Refused: OutOfResources", StringComparison.Ordinal), run + "\n" + service.LogText);
        Assert.Contains(service.Logs, line => line.Contains("did not confirm it within", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoreScu_NoQueueBoundForInstancesReceived_OutOfResourcesNotSuccess()
    {
        // A virtual host where nobody consumes InstancesReceived (the storage service never ran): the message would vanish.
        await using var service = await IngestService.StartAsync(await LocalServers.CreateVirtualHostAsync("ingest-nobody"));
        var file = DemoFiles.WriteSeries(_folder, 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];

        var run = await StoreScuAsync(service, file);

        Assert.True(run.Output.Contains("Refused: OutOfResources", StringComparison.OrdinalIgnoreCase), run + "\n" + service.LogText);
        Assert.NotNull(await service.Store.StatAsync(ObjectKeys.Instance(file.StudyInstanceUid, file.SeriesInstanceUid, file.SopInstanceUid), default));
    }

    private static Task<ToolRun> StoreScuAsync(IngestService service, SentFile file) =>
        Dcmtk.RunAsync("storescu", "-v", "-aec", "ISOCENTER", "127.0.0.1", service.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture), file.Path);
}
