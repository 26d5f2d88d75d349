using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Isocenter.Cli.Demo;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Isocenter.Review.Tests;

/// <summary>
/// The archive (storage and ingest as processes, on a database, virtual host and object-store folder of their own) holding
/// demo CT studies (4 patients × 1 study × 1 series × 2 slices, 64×64), and the review service twice in this process on
/// the archive's database: <see cref="Review"/> on a virtual host of its own, where nobody de-identifies and the tests
/// publish what the storage service would (each study standing for its own copy), and <see cref="Connected"/> on the
/// archive's, where the storage service answers (indexing, de-identification). Shared by the test classes of a collection.
/// </summary>
public sealed class ReviewArchive : IAsyncLifetime
{
    /// <summary>The share-link key the service runs with (base64 of 32 bytes).</summary>
    public static readonly string ShareLinkKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-review-").FullName;

    public LocalArchive Running { get; private set; } = null!;

    /// <summary>The review service whose bus the tests play the storage service on.</summary>
    public ReviewService Review { get; private set; } = null!;

    /// <summary>The review service on the archive's bus.</summary>
    public ReviewService Connected { get; private set; } = null!;

    /// <summary>The demo studies for <see cref="Review"/>'s tests: Study Instance UID → Patient ID, instance count.</summary>
    public Dictionary<string, (string PatientId, int Instances)> Studies { get; } = new(StringComparer.Ordinal);

    /// <summary>The study for <see cref="Connected"/>'s tests (kept out of <see cref="Studies"/>: its copies and SRs change the index).</summary>
    public (string Uid, string PatientId) ExportStudy { get; private set; }

    public string ObjectsRoot => Path.Combine(_folder, "objects");

    public async Task InitializeAsync()
    {
        Running = await LocalArchive.StartAsync(new Dictionary<string, string> { ["ObjectStore:Kind"] = "FileSystem", ["ObjectStore:Root"] = ObjectsRoot });
        await EnsureDeidentificationTablesAsync();
        var demo = Path.Combine(_folder, "demo");
        Assert.Equal(0, DemoCommand.Run(["--out", demo, "--patients", "4", "--studies", "1", "--series", "1", "--slices", "2", "--size", "64", "--seed", "11", "--id-prefix", "REV"]));
        var files = Directory.GetFiles(demo, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var sops = new List<string>();
        foreach (var file in files)
        {
            var dataset = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
            var study = dataset.GetString(DicomTag.StudyInstanceUID)!;
            Studies[study] = (dataset.GetString(DicomTag.PatientID)!, Studies.TryGetValue(study, out var s) ? s.Instances + 1 : 1);
            sops.Add(dataset.GetString(DicomTag.SOPInstanceUID)!);
        }
        var export = Studies.Keys.Order(StringComparer.Ordinal).Last();
        ExportStudy = (export, Studies[export].PatientId);
        Studies.Remove(export);
        var stored = await Running.StorescuAsync([], files);
        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.Superset(sops.ToHashSet(), await Running.WaitIndexedAsync(sops, ReviewService.Bound));

        Review = await ReviewService.StartAsync(new Dictionary<string, string>(Running.Settings)
        {
            ["ConnectionStrings:RabbitMq"] = (await LocalServers.CreateVirtualHostAsync("review")).ToString(),
        });
        Connected = await ReviewService.StartAsync(Running.Settings);
    }

    /// <summary>Runs <paramref name="sql"/> on the index's database and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Running.IndexConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return await command.ExecuteScalarAsync();
    }

    /// <summary>
    /// A set of <paramref name="studies"/> on <see cref="Review"/> whose copies have "completed", each study standing for its
    /// own copy; returns it once the service shows it ready.
    /// </summary>
    public async Task<JsonObject> CreateReadySetAsync(string owner, IReadOnlyList<string> studies, JsonObject? extra = null)
    {
        var set = await Review.CreateSetAsync(owner, studies, extra);
        var id = Guid.Parse((string)set["id"]!);
        foreach (var study in studies)
        {
            await Review.PublishAsync(new StudyDeidentificationChanged(id, study, study, "completed", Studies[study].Instances, Studies[study].Instances, [], null));
        }
        return await Review.WaitForStateAsync(owner, id, "ready");
    }

    /// <summary>
    /// deid_key and deid_mapping as 0003_deidentification.sql (the deid branch's) defines them, while this branch lacks it.
    /// </summary>
    private async Task EnsureDeidentificationTablesAsync()
    {
        await ScalarAsync("""
            CREATE TABLE IF NOT EXISTS deid_key (reading_set_id uuid PRIMARY KEY, secret bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS deid_mapping (reading_set_id uuid, kind text, original text, pseudonym text, PRIMARY KEY (reading_set_id, kind, original));
            """);
    }

    public async Task DisposeAsync()
    {
        await Review.DisposeAsync();
        await Connected.DisposeAsync();
        await Running.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The review service in the test process.</summary>
public sealed class ReviewService(WebApplication app) : IAsyncDisposable
{
    /// <summary>How long a test waits for what the services do in the background.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public WebApplication App { get; } = app;

    /// <summary>The service's address.</summary>
    public Uri BaseAddress { get; } = new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>Starts the service with <paramref name="settings"/> and <see cref="ReviewArchive.ShareLinkKey"/> on a free port.</summary>
    public static async Task<ReviewService> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var app = ReviewHost.Create([.. settings.Select(s => $"--{s.Key}={s.Value}"), "--urls=http://127.0.0.1:0", $"--Review:ShareLinkKey={ReviewArchive.ShareLinkKey}"]);
        await app.StartAsync();
        return new ReviewService(app);
    }

    /// <summary>A client of the review service as the gateway calls it for <paramref name="user"/> (an admin with <paramref name="admin"/>).</summary>
    public HttpClient Client(string user, bool admin = false, Guid? shareReadingSet = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Isocenter-User", user);
        if (admin)
        {
            client.DefaultRequestHeaders.Add("X-Isocenter-Roles", "admin");
        }
        if (shareReadingSet is { } set)
        {
            client.DefaultRequestHeaders.Add("X-Isocenter-Reading-Set", set.ToString());
        }
        return client;
    }

    /// <summary>Publishes <paramref name="change"/> on the service's bus, as the storage service does.</summary>
    public Task PublishAsync(StudyDeidentificationChanged change) => App.Services.GetRequiredService<IBus>().Publish(change);

    /// <summary>Creates a set of <paramref name="studies"/> as <paramref name="owner"/>; returns it.</summary>
    public async Task<JsonObject> CreateSetAsync(string owner, IEnumerable<string> studies, JsonObject? extra = null)
    {
        var body = new JsonObject { ["name"] = "Set of " + owner, ["studyInstanceUids"] = new JsonArray([.. studies.Select(s => JsonValue.Create(s))]) };
        foreach (var (key, value) in extra ?? new JsonObject())
        {
            body[key] = value?.DeepClone();
        }
        using var client = Client(owner);
        using var response = await client.PostAsJsonAsync("api/reading-sets", body);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Waits (bounded) until the set is in <paramref name="state"/>; returns it.</summary>
    public async Task<JsonObject> WaitForStateAsync(string owner, Guid id, string state)
    {
        using var client = Client(owner);
        using var deadline = new CancellationTokenSource(Bound);
        while (true)
        {
            var set = (await client.GetFromJsonAsync<JsonObject>($"api/reading-sets/{id}"))!;
            if ((string?)set["state"] == state)
            {
                return set;
            }
            Assert.False(deadline.IsCancellationRequested, $"reading set {id} did not become {state}: {set.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>The test classes that share one <see cref="ReviewArchive"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ReviewCollection : ICollectionFixture<ReviewArchive>
{
    public const string Name = "Review archive";
}
