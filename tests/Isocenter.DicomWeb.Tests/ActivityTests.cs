using System.Net;
using System.Text.Json;
using Isocenter.Contracts.Pacs;
using Isocenter.Dicom.Network.Scu;
using MassTransit;

namespace Isocenter.DicomWeb.Tests;

/// <summary>
/// The activity feed (issue 8): server-sent events of a study arriving through C-STORE, and of its retrievals and sends
/// (issue 11), streamed through the gateway.
/// </summary>
[Collection(DicomWebCollection.Name)]
public sealed class ActivityTests(DicomWebArchive archive)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Activity_StudyArrivingThroughCStore_ReceivedIndexedStableForItsSeriesOnly_KnownStateFirstOnReconnect()
    {
        var files = StowClient.Demo(series: 2); // 2 series of 2 instances
        var other = StowClient.Demo(series: 1);
        var study = files[0].Study;
        var series = files.Select(f => f.Series).Distinct().Order(StringComparer.Ordinal).ToList();
        using var timeout = new CancellationTokenSource(Bound);
        using var feed = await ActivityStream.OpenAsync(archive.Client, study, timeout.Token);
        Assert.Equal("text/event-stream", feed.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(feed.Response.Headers.CacheControl?.NoCache);

        var client = new DicomClient("127.0.0.1", archive.Running.Port, new DicomClientOptions { CalledAETitle = LocalArchive.AETitle, CallingAETitle = "ACTIVITYTESTS" });
        var stored = await client.StoreAsync([.. other.Select(f => f.Path), .. files.Select(f => f.Path)], cancellationToken: timeout.Token);
        Assert.All(stored, s => Assert.Equal((ushort)0, s.Status));

        // Read until each series is stable with both instances; the events are the series', in the order they happen.
        var events = new List<(string Name, JsonElement Data)>();
        while (!series.All(s => events.Any(e => e.Name == "stable" && SeriesOf(e) == s)))
        {
            events.Add(await feed.NextAsync(timeout.Token));
        }
        Assert.All(events, e => Assert.Equal(study, e.Data.GetProperty("study").GetString())); // the other study is filtered out
        foreach (var s in series)
        {
            var ofSeries = events.Where(e => SeriesOf(e) == s).ToList();
            Assert.Equal(2, ofSeries.Where(e => e.Name == "received").Max(e => e.Data.GetProperty("received").GetInt32()));
            Assert.Contains(ofSeries, e => e.Name == "indexed" && e.Data.GetProperty("instances").GetInt32() == 2);
            Assert.Equal(2, ofSeries.Single(e => e.Name == "stable").Data.GetProperty("instances").GetInt32());
            Assert.True(ofSeries.FindIndex(e => e.Name == "received") < ofSeries.FindIndex(e => e.Name == "stable"));
        }

        // A viewer that connects now hears first what is known of each series: received 2, then stable with 2 (not "arriving").
        using var later = await ActivityStream.OpenAsync(archive.Client, study, timeout.Token);
        var first = new List<(string Name, JsonElement Data)>();
        for (var i = 0; i < 4; i++)
        {
            first.Add(await later.NextAsync(timeout.Token));
        }
        foreach (var s in series)
        {
            var known = first.Where(e => SeriesOf(e) == s).Select(e => (e.Name, e.Data.GetProperty(e.Name == "received" ? "received" : "instances").GetInt32()));
            Assert.Equal([("received", 2), ("stable", 2)], known);
        }
    }

    [Fact]
    public async Task Activity_RetrievalAndSendChanged_RelayedForTheirStudyOnly_LatestUnfinishedReplayedOnConnect()
    {
        var study = $"2.25.{Random.Shared.NextInt64(1, long.MaxValue)}";
        var id = Guid.NewGuid();
        var created = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        RetrievalChanged Retrieval(Guid job, string ofStudy, string state, int completed, int second) => new(job, "PACS", ofStudy, "C-MOVE", state,
            [new RetrievalSeries("2.25.7", "CT", "2", "axial", 4, completed, 0, 0, state)], [], null, 1, created, created.AddSeconds(second));
        using var timeout = new CancellationTokenSource(Bound);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(archive.Running.Settings["ConnectionStrings:RabbitMq"])));
        await bus.StartAsync(timeout.Token);
        try
        {
            using var feed = await ActivityStream.OpenAsync(archive.Client, study, timeout.Token);
            await bus.Publish(Retrieval(Guid.NewGuid(), "2.25.1", "running", 1, 1), timeout.Token); // another study's: filtered out
            await bus.Publish(Retrieval(id, study, "running", 1, 1), timeout.Token);
            var running = await feed.NextAsync(timeout.Token);
            Assert.Equal("retrieval", running.Name);
            Assert.Equal(id, running.Data.GetProperty("id").GetGuid());
            Assert.Equal("running", running.Data.GetProperty("state").GetString());
            Assert.Equal(1, running.Data.GetProperty("series")[0].GetProperty("completed").GetInt32());
            Assert.Equal("C-MOVE", running.Data.GetProperty("method").GetString());

            // A viewer connecting now hears the unfinished retrieval first; then both hear it complete.
            using var later = await ActivityStream.OpenAsync(archive.Client, study, timeout.Token);
            var replayed = await later.NextAsync(timeout.Token);
            Assert.Equal(("retrieval", "running"), (replayed.Name, replayed.Data.GetProperty("state").GetString()));
            await bus.Publish(Retrieval(id, study, "completed", 4, 2), timeout.Token);
            foreach (var stream in new[] { feed, later })
            {
                var completed = await stream.NextAsync(timeout.Token);
                Assert.Equal(("retrieval", "completed"), (completed.Name, completed.Data.GetProperty("state").GetString()));
                Assert.Equal(4, completed.Data.GetProperty("series")[0].GetProperty("completed").GetInt32());
            }

            // Finished, it is no longer replayed: the first event a new viewer reads is the send published after it connected.
            using var last = await ActivityStream.OpenAsync(archive.Client, study, timeout.Token);
            var send = Guid.NewGuid();
            await bus.Publish(new SendChanged(send, "ORTHANC", study, null, "running", 4, 1, 0, [], null, 1, created, created), timeout.Token);
            var sent = await last.NextAsync(timeout.Token);
            Assert.Equal("send", sent.Name);
            Assert.Equal(send, sent.Data.GetProperty("id").GetGuid());
            Assert.Equal(4, sent.Data.GetProperty("total").GetInt32());
            var alsoSent = await feed.NextAsync(timeout.Token);
            Assert.Equal(("send", send), (alsoSent.Name, alsoSent.Data.GetProperty("id").GetGuid()));
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    private static string? SeriesOf((string Name, JsonElement Data) e) => e.Data.GetProperty("series").GetString();

    /// <summary>A text/event-stream response read event by event (comments skipped).</summary>
    private sealed class ActivityStream : IDisposable
    {
        private readonly StreamReader _reader;

        private ActivityStream(HttpResponseMessage response, Stream body) => (Response, _reader) = (response, new StreamReader(body));

        public HttpResponseMessage Response { get; }

        public static async Task<ActivityStream> OpenAsync(HttpClient gateway, string study, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/activity?StudyInstanceUID={study}");
            var response = await gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return new ActivityStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
        }

        public async Task<(string Name, JsonElement Data)> NextAsync(CancellationToken cancellationToken)
        {
            string? name = null;
            string? data = null;
            while (await _reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0 && name is not null && data is not null)
                {
                    return (name, JsonDocument.Parse(data).RootElement);
                }
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }
            throw new EndOfStreamException("the feed ended");
        }

        public void Dispose()
        {
            _reader.Dispose();
            Response.Dispose();
        }
    }
}
