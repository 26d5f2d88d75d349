using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Npgsql;
using Xunit.Abstractions;

namespace Isocenter.Archive.Tests;

/// <summary>
/// Nothing lost (issue "The archive", second acceptance point): RabbitMQ, then PostgreSQL, then the S3 server stop and
/// start again while storescu keeps sending. These tests stop the servers every other test uses, so they run on their
/// own, after the others: <c>./dev.sh test</c> runs the category <c>Outage</c> last.
/// </summary>
[Trait("Category", "Outage")]
public sealed partial class OutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-archive-outage-").FullName;

    [Fact]
    public async Task Storescu_RabbitMqPostgresAndS3StopInTurn_EveryAcknowledgedInstanceIndexedAndAResendCompletesTheSet()
    {
        var demo = Path.Combine(_folder, "demo");
        Assert.Equal(0, DemoCommand.Run(["--out", demo, "--patients", "1", "--series", "4", "--slices", "50", "--size", "64", "--seed", "11"]));
        var files = Directory.GetFiles(demo, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var uids = files.ToDictionary(f => f, f => DicomFile.Open(f, new DicomReadOptions { StopBeforePixelData = true }).Dataset.GetString(DicomTag.SOPInstanceUID)!);
        await using var archive = await LocalArchive.StartAsync(new Dictionary<string, string>
        {
            ["ObjectStore:Kind"] = "S3",
            ["ObjectStore:Endpoint"] = LocalServers.S3Endpoint.ToString(),
            ["ObjectStore:AccessKey"] = LocalServers.S3AccessKey,
            ["ObjectStore:SecretKey"] = LocalServers.S3SecretKey,
            ["ObjectStore:Bucket"] = LocalServers.UniqueBucketName("outage"),
        });

        // The sender goes round the set in small batches, one storescu each, until every server has been down and up again.
        var outcomes = new ConcurrentDictionary<string, List<string>>(StringComparer.Ordinal); // file → every status storescu reported
        using var outagesOver = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var batch = 0; !outagesOver.IsCancellationRequested || batch * 5 < files.Count; batch++)
            {
                var chunk = files.Skip(batch * 5 % files.Count).Take(5).ToList();
                Record(outcomes, await archive.StorescuAsync(["-v"], chunk));
                await Task.Delay(100, CancellationToken.None);
            }
        });
        foreach (var server in new[] { "rabbitmq", "postgres", "s3" })
        {
            await Task.Delay(Outage);
            await LocalServers.StopAsync(server);
            await Task.Delay(Outage);
            await LocalServers.StartAsync(server);
        }
        await outagesOver.CancelAsync();
        await sender;

        // Every instance that got a success status is indexed (the storage service retries until PostgreSQL is back).
        var acknowledged = files.Where(f => outcomes.TryGetValue(f, out var statuses) && statuses.Contains("Success")).Select(f => uids[f]).ToList();
        var failures = outcomes.Values.SelectMany(statuses => statuses).Where(status => status != "Success").ToList();
        output.WriteLine($"{outcomes.Values.Sum(s => s.Count)} C-STORE responses for {files.Count} instances: {acknowledged.Count} acknowledged, "
            + $"{failures.Count} failure statuses ({string.Join(", ", failures.Distinct())})");
        Assert.NotEmpty(acknowledged);
        Assert.NotEmpty(failures); // the outages were felt: a sender was told, not left believing
        var indexed = await archive.WaitIndexedAsync(acknowledged, TimeSpan.FromMinutes(3));
        Assert.All(acknowledged, uid => Assert.Contains(uid, indexed));

        // What never succeeded was reported failed (or never answered: the association went down); a re-send completes the set.
        var unacknowledged = files.Where(f => !acknowledged.Contains(uids[f])).ToList();
        if (unacknowledged.Count > 0)
        {
            var resend = await archive.StorescuAsync([], unacknowledged);
            Assert.True(resend.ExitCode == 0, resend.ToString());
        }
        indexed = await archive.WaitIndexedAsync(uids.Values.ToList(), TimeSpan.FromMinutes(3));
        Assert.Equal(uids.Values.Order(StringComparer.Ordinal), indexed.Order(StringComparer.Ordinal));

        // No duplicate rows after redelivery and re-sends.
        await using var connection = new NpgsqlConnection(archive.IndexConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM instance", connection);
        Assert.Equal((long)files.Count, (long)(await count.ExecuteScalarAsync())!);
        Assert.True(archive.Ingest.Log.Length > 0 && !archive.Ingest.HasExited && !archive.Storage.HasExited, "a service stopped");
    }

    // storescu -v says "Sending file: PATH" and then "Received Store Response (STATUS)" for each file it sends.
    private static void Record(ConcurrentDictionary<string, List<string>> outcomes, ToolRun run)
    {
        string? file = null;
        foreach (var line in run.Output.Split('\n'))
        {
            if (SendingFile().Match(line) is { Success: true } sending)
            {
                file = sending.Groups[1].Value.Trim();
            }
            else if (file is not null && StoreResponse().Match(line) is { Success: true } response)
            {
                outcomes.GetOrAdd(file, _ => []).Add(response.Groups[1].Value);
                file = null;
            }
        }
    }

    [GeneratedRegex(@"Sending file: (.+)$")]
    private static partial Regex SendingFile();

    [GeneratedRegex(@"Received Store Response \(([^)]*)\)")]
    private static partial Regex StoreResponse();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Whatever happened, the servers are up again for whoever comes next.
        foreach (var server in new[] { "rabbitmq", "postgres", "s3" })
        {
            await LocalServers.StartAsync(server);
        }
        Directory.Delete(_folder, recursive: true);
    }
}
