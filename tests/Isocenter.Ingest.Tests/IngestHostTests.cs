using System.Globalization;
using System.Text.RegularExpressions;
using Isocenter.Dicom;
using Isocenter.Index;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Isocenter.Ingest.Tests;

/// <summary>The service as a process (Program.cs, appsettings, the Development configuration): C-ECHO and C-STORE, health, clean shutdown on SIGTERM.</summary>
public sealed partial class IngestHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-ingest-host-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Host_Development_StoresFromAnyLoopbackCallerAnswersHealthAndStopsCleanlyOnSigterm()
    {
        var rabbitMq = await LocalServers.CreateVirtualHostAsync("ingest-host");
        var index = await LocalServers.CreateDatabaseAsync("ingest_host");
        await using (var dataSource = NpgsqlDataSource.Create(index))
        {
            await new IndexMigrator(dataSource, NullLogger<IndexMigrator>.Instance).MigrateAsync(default); // the storage service's job
        }
        await using var messages = await InstanceReceivedCollector.StartAsync(rabbitMq);
        await using var service = await ServiceProcess.StartAsync("services/ingest/Isocenter.Ingest", new Dictionary<string, string>
        {
            ["ConnectionStrings:RabbitMq"] = rabbitMq.ToString(),
            ["ConnectionStrings:Index"] = index,
            ["ObjectStore:Root"] = Path.Combine(_folder, "objects"),
            ["Dicom:Port"] = "0",
        });
        var port = (await service.WaitForLogAsync(Listening(), TimeSpan.FromSeconds(60))).Groups[1].Value;
        var file = DemoFiles.WriteSeries(Path.Combine(_folder, "files"), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];

        var echo = await Dcmtk.RunAsync("echoscu", "-aet", "ANYONE", "-aec", "ISOCENTER", "127.0.0.1", port);
        var store = await Dcmtk.RunAsync("storescu", "-aet", "ANYONE", "-aec", "ISOCENTER", "127.0.0.1", port, file.Path);
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        var health = await http.GetStringAsync(new Uri("/health", UriKind.Relative));
        var exitCode = await service.StopAsync();

        Assert.True(echo.ExitCode == 0, echo + "\n" + service.Log);
        Assert.True(store.ExitCode == 0, store + "\n" + service.Log);
        Assert.Equal(file.SopInstanceUid, Assert.Single(await messages.TakeAsync(1)).SopInstanceUid);
        Assert.Equal("Healthy", health);
        Assert.Equal(0, exitCode);
        Assert.Contains("Application is shutting down", service.Log, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"DICOM SCP ISOCENTER listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
