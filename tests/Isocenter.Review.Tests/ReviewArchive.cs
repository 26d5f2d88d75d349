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
/// demo CT studies (3 patients × 1 study × 1 series × 2 slices, 64×64), and the review service in this process on the same
/// settings, so a test can publish on its bus what the storage service publishes. Shared by the test classes of a collection.
/// </summary>
public sealed class ReviewArchive : IAsyncLifetime
{
    /// <summary>The share-link key the service runs with (base64 of 32 bytes).</summary>
    public static readonly string ShareLinkKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-review-").FullName;

    public LocalArchive Running { get; private set; } = null!;

    public WebApplication Review { get; private set; } = null!;

    /// <summary>The demo studies: Study Instance UID → Patient ID, instance count.</summary>
    public Dictionary<string, (string PatientId, int Instances)> Studies { get; } = new(StringComparer.Ordinal);

    public string ObjectsRoot => Path.Combine(_folder, "objects");

    public async Task InitializeAsync()
    {
        Running = await LocalArchive.StartAsync(new Dictionary<string, string> { ["ObjectStore:Kind"] = "FileSystem", ["ObjectStore:Root"] = ObjectsRoot });
        await EnsureDeidentificationTablesAsync();
        var demo = Path.Combine(_folder, "demo");
        Assert.Equal(0, DemoCommand.Run(["--out", demo, "--patients", "3", "--studies", "1", "--series", "1", "--slices", "2", "--size", "64", "--seed", "11", "--id-prefix", "REV"]));
        var files = Directory.GetFiles(demo, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var sops = new List<string>();
        foreach (var file in files)
        {
            var dataset = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
            var study = dataset.GetString(DicomTag.StudyInstanceUID)!;
            Studies[study] = (dataset.GetString(DicomTag.PatientID)!, Studies.TryGetValue(study, out var s) ? s.Instances + 1 : 1);
            sops.Add(dataset.GetString(DicomTag.SOPInstanceUID)!);
        }
        var stored = await Running.StorescuAsync([], files);
        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.Superset(sops.ToHashSet(), await Running.WaitIndexedAsync(sops, Bound));

        Review = ReviewHost.Create([.. Running.Settings.Select(s => $"--{s.Key}={s.Value}"), "--urls=http://127.0.0.1:0", $"--Review:ShareLinkKey={ShareLinkKey}"]);
        await Review.StartAsync();
        BaseAddress = new Uri(Review.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>The review service's address.</summary>
    public Uri BaseAddress { get; private set; } = null!;

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

    /// <summary>
    /// Plays the storage service for a set's study: publishes <paramref name="state"/> with the copy's UID
    /// <paramref name="copy"/> (the tests without de-identification use an indexed study as the "copy").
    /// </summary>
    public Task PublishAsync(Guid set, string original, string copy, string state, int total, int done, IReadOnlyList<HeldBackSeries>? heldBack = null, string? error = null) =>
        Review.Services.GetRequiredService<IBus>().Publish(new StudyDeidentificationChanged(set, original, copy, state, total, done, heldBack ?? [], error));

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

    /// <summary>
    /// A set of <paramref name="studies"/> whose copies have "completed", each study standing for its own copy (no
    /// de-identification runs in these tests); returns it once the service shows it ready.
    /// </summary>
    public async Task<JsonObject> CreateReadySetAsync(string owner, IReadOnlyList<string> studies, JsonObject? extra = null)
    {
        var set = await CreateSetAsync(owner, studies, extra);
        var id = Guid.Parse((string)set["id"]!);
        foreach (var study in studies)
        {
            await PublishAsync(id, study, study, "completed", Studies[study].Instances, Studies[study].Instances);
        }
        return await WaitForStateAsync(owner, id, "ready");
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
        await Review.StopAsync();
        await Review.DisposeAsync();
        await Running.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The test classes that share one <see cref="ReviewArchive"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ReviewCollection : ICollectionFixture<ReviewArchive>
{
    public const string Name = "Review archive";
}
