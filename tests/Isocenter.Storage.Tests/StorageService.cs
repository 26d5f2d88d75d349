using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.ObjectStore;
using Isocenter.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Isocenter.Storage.Tests;

/// <summary>
/// The storage service hosted in-process as Program.cs runs it, on a database, RabbitMQ virtual host and object folder of
/// its own (one per test class), and a second bus on the same virtual host that plays the other services: it publishes
/// and requests, and records what the service publishes.
/// </summary>
public sealed class StorageService : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-storage-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider? _peer;

    public WebApplication Host { get; private set; } = null!;

    public NpgsqlDataSource Index { get; private set; } = null!;

    public FileSystemObjectStore Store { get; private set; } = null!;

    public ITestHarness Bus => _peer!.GetRequiredService<ITestHarness>();

    public Uri Address { get; private set; } = null!;

    public LogRecorder Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var database = await LocalServers.CreateDatabaseAsync("storage_tests");
        var rabbitMq = await LocalServers.CreateVirtualHostAsync("storage-tests");
        Index = NpgsqlDataSource.Create(database);
        Store = new FileSystemObjectStore(_folder);
        Host = StorageHost.Create(["--urls", "http://127.0.0.1:0", "--ConnectionStrings:Index", database, "--ConnectionStrings:RabbitMq", rabbitMq.ToString(),
            "--ObjectStore:Root", _folder, "--Storage:SeriesQuietPeriod", "00:00:00.200", "--Storage:StablePollInterval", "00:00:00.100"],
            builder => builder.Logging.AddProvider(Logs));
        await Host.StartAsync();
        Address = new Uri(Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        _peer = new ServiceCollection()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<Recorder>();
                // Reads the instance consumer's error queue, where failed messages end.
                bus.AddConsumer<ErrorQueueReader>().Endpoint(e =>
                {
                    e.Name = "storage-instance-received_error";
                    e.ConfigureConsumeTopology = false;
                });
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    rabbit.Host(rabbitMq);
                    rabbit.ConfigureEndpoints(context);
                });
                // Waits end as soon as what they wait for happens; these bounds only stop a broken test (2 cores, shared).
                bus.SetTestTimeouts(testTimeout: TimeSpan.FromMinutes(2), testInactivityTimeout: TimeSpan.FromSeconds(30));
            })
            .BuildServiceProvider(validateScopes: true);
        await Bus.Start();
    }

    public async Task DisposeAsync()
    {
        await _peer!.DisposeAsync();
        await Host.StopAsync();
        await Host.DisposeAsync();
        await Index.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Writes a small Part 10 object for an instance into the object store, as ingest does; returns its message.</summary>
    public async Task<InstanceReceived> PutAsync(string patientId, string study, string series, string sop)
    {
        var dataset = new DicomDataset()
            .Set(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
            .Set(DicomTag.SOPInstanceUID, sop)
            .Set(DicomTag.Modality, "OT")
            .Set(DicomTag.PatientName, "Storage^Test")
            .Set(DicomTag.PatientID, patientId)
            .Set(DicomTag.StudyInstanceUID, study)
            .Set(DicomTag.SeriesInstanceUID, series);
        var key = ObjectKeys.Instance(study, series, sop);
        using var stream = new MemoryStream();
        new DicomFile(dataset).Save(stream);
        var size = stream.Length;
        stream.Position = 0;
        await Store.PutAsync(key, stream, CancellationToken.None);
        return new InstanceReceived(study, series, sop, "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.1.2.1", key, size, new string('0', 64),
            DicomJson.Serialize(dataset), "TEST", DateTimeOffset.UnixEpoch);
    }

    /// <summary>Rows of the index's table matching a condition.</summary>
    public async Task<long> CountAsync(string tableAndCondition)
    {
        await using var command = Index.CreateCommand($"SELECT count(*) FROM {tableAndCondition}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs an SQL statement on the service's index (to take a table away and bring it back).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = Index.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Consumes what the storage service publishes, so the harness records it.</summary>
    public sealed class Recorder : IConsumer<SeriesChanged>, IConsumer<SeriesStable>, IConsumer<InstancesDeleted>, IConsumer<StudyDeidentificationChanged>
    {
        public Task Consume(ConsumeContext<StudyDeidentificationChanged> context) => Task.CompletedTask;

        public Task Consume(ConsumeContext<SeriesChanged> context) => Task.CompletedTask;

        public Task Consume(ConsumeContext<SeriesStable> context) => Task.CompletedTask;

        public Task Consume(ConsumeContext<InstancesDeleted> context) => Task.CompletedTask;
    }

    /// <summary>Consumes the messages of the instance consumer's error queue, so the harness records them.</summary>
    public sealed class ErrorQueueReader : IConsumer<InstancesReceived>
    {
        public Task Consume(ConsumeContext<InstancesReceived> context) => Task.CompletedTask;
    }
}
