using System.IO.Hashing;
using Isocenter.Dicom;
using Isocenter.ObjectStore;

namespace Isocenter.Ingest.Tests;

/// <summary>C-STORE into the S3 store (s3rver): an instance larger than one S3 put, streamed from the network.</summary>
public sealed class S3StoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-ingest-s3-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task StoreScu_InstanceLargerThanOneS3Put_StoredAsSentAndAnnounced()
    {
        var rabbitMq = await LocalServers.CreateVirtualHostAsync("ingest-s3");
        await using var messages = await InstanceReceivedCollector.StartAsync(rabbitMq);
        await using var service = await IngestService.StartAsync(rabbitMq, new Dictionary<string, string?>
        {
            ["ObjectStore:Kind"] = "S3",
            ["ObjectStore:Endpoint"] = LocalServers.S3Endpoint.ToString(),
            ["ObjectStore:AccessKey"] = LocalServers.S3AccessKey,
            ["ObjectStore:SecretKey"] = LocalServers.S3SecretKey,
            ["ObjectStore:Bucket"] = LocalServers.UniqueBucketName("ingest"),
        });
        // 2048 × 2048 × 2 bytes: 8 MiB, beyond MinioObjectStore.SinglePutLimit (5 MiB).
        var file = DemoFiles.WriteSeries(_folder, 1, DicomTransferSyntax.ExplicitVRLittleEndian, size: 2048)[0];

        var run = await Dcmtk.RunAsync("storescu", "-aec", "ISOCENTER", "127.0.0.1", service.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture), file.Path);

        Assert.True(run.ExitCode == 0, run + "\n" + service.LogText);
        var message = Assert.Single(await messages.TakeAsync(1));
        await using var stream = await service.Store.OpenReadAsync(ObjectKeys.Instance(file.StudyInstanceUid, file.SeriesInstanceUid, file.SopInstanceUid), default);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        var stored = copy.ToArray();
        Assert.True(stored.Length > MinioObjectStore.SinglePutLimit);
        Assert.Equal(file.DataSet, stored[^file.DataSet.Length..]);
        Assert.Equal((stored.Length, "xxh128:" + Convert.ToHexStringLower(XxHash128.Hash(stored))), (message.Size, message.Checksum));
    }
}
