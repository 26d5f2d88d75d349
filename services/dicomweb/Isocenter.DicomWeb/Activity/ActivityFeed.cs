using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Isocenter.DicomWeb.Activity;

/// <summary>
/// What happens to series while they arrive, fanned out to the subscribers of <c>GET /api/activity</c> (docs/dicomweb.md,
/// "Activity feed"). Each subscriber has a bounded queue of <see cref="SubscriberCapacity"/> events: a client that reads too
/// slowly loses its oldest events instead of growing this process's memory. Instances received are counted per series in
/// memory and sent coalesced, at most every <see cref="ReceivedInterval"/> per series; a series is forgotten
/// <see cref="Retention"/> after it became stable (or after it last changed, if it never does).
/// </summary>
public sealed class ActivityFeed : IDisposable
{
    /// <summary>Events a subscriber's queue holds before the oldest are dropped.</summary>
    public const int SubscriberCapacity = 1024;

    /// <summary>The shortest time between two <c>received</c> events of one series.</summary>
    public static readonly TimeSpan ReceivedInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a series' received count is kept once it is stable, or unchanged.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Study, string Series), SeriesArrival> _series = [];
    private readonly Dictionary<Guid, JobActivity> _jobs = [];
    private readonly List<Subscriber> _subscribers = [];
    private readonly TimeProvider _time;
    private readonly ITimer _flush;

    /// <summary>A feed whose coalesced counts go out on <paramref name="time"/>'s timer.</summary>
    public ActivityFeed(TimeProvider time)
    {
        _time = time;
        _flush = time.CreateTimer(_ => Flush(), null, ReceivedInterval, ReceivedInterval);
    }

    /// <summary>
    /// A subscription to the events of <paramref name="study"/> (all studies when null), starting with what is known of its
    /// series (the received count, the last indexed count and, once stable, <c>stable</c>) and of its unfinished retrievals
    /// and sends (the latest of each). Dispose it when the client leaves.
    /// </summary>
    public Subscription Subscribe(string? study)
    {
        var subscriber = new Subscriber(study, Channel.CreateBounded<ActivityEvent>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }));
        lock (_lock)
        {
            foreach (var ((seriesStudy, series), arrival) in _series)
            {
                if (study is null || study == seriesStudy)
                {
                    foreach (var known in arrival.Replay(seriesStudy, series))
                    {
                        subscriber.Events.Writer.TryWrite(known);
                    }
                }
            }
            foreach (var job in _jobs.Values.Where(j => !j.Finished && (study is null || study == j.Event.Study)).OrderBy(j => j.UpdatedAt))
            {
                subscriber.Events.Writer.TryWrite(job.Event);
            }
            _subscribers.Add(subscriber);
        }
        return new Subscription(this, subscriber);
    }

    /// <summary>Counts an instance received (ingest) for its series; the count goes out with the next flush.</summary>
    public void InstanceReceived(string study, string series, string sopInstanceUid)
    {
        lock (_lock)
        {
            if (!_series.TryGetValue((study, series), out var arrival))
            {
                _series[(study, series)] = arrival = new SeriesArrival();
            }
            if (arrival.Instances.Add(sopInstanceUid))
            {
                arrival.Dirty = true;
                arrival.ChangedAt = _time.GetUtcNow();
                arrival.StableAt = null;
            }
        }
    }

    /// <summary>The index holds <paramref name="instances"/> instances of the series (kept for later subscribers).</summary>
    public void SeriesIndexed(string study, string series, int instances)
    {
        lock (_lock)
        {
            if (_series.TryGetValue((study, series), out var arrival))
            {
                arrival.Indexed = Math.Max(arrival.Indexed ?? 0, instances); // batches can be announced out of order
            }
        }
        Publish(ActivityEvent.Create(ActivityEvent.Indexed, study, series, "instances", instances));
    }

    /// <summary>The series is stable: its counts are kept for <see cref="Retention"/> more, then forgotten.</summary>
    public void SeriesStable(string study, string series, int instances)
    {
        lock (_lock)
        {
            if (_series.TryGetValue((study, series), out var arrival))
            {
                arrival.StableAt = _time.GetUtcNow();
                arrival.Indexed = instances;
            }
        }
        Publish(ActivityEvent.Create(ActivityEvent.Stable, study, series, "instances", instances));
    }

    /// <summary>The series was deleted (some or all of its instances): its count is forgotten.</summary>
    public void SeriesDeleted(string study, string series)
    {
        lock (_lock)
        {
            _series.Remove((study, series));
        }
        Publish(ActivityEvent.Create(ActivityEvent.Deleted, study, series));
    }

    /// <summary>
    /// A retrieval or a send changed (<paramref name="activity"/>: its <c>retrieval</c> or <c>send</c> event): sent on, and
    /// kept for later subscribers while it is unfinished; a change older than one already sent (the bus does not promise
    /// order) is dropped. Finished jobs are forgotten after <see cref="Retention"/>.
    /// </summary>
    public void JobChanged(Guid id, bool finished, DateTimeOffset updatedAt, ActivityEvent activity)
    {
        lock (_lock)
        {
            if (_jobs.TryGetValue(id, out var known) && known.UpdatedAt > updatedAt)
            {
                return;
            }
            _jobs[id] = new JobActivity(activity, finished, updatedAt, _time.GetUtcNow());
        }
        Publish(activity);
    }

    /// <summary>Sends <paramref name="activity"/> to every subscriber of its study.</summary>
    public void Publish(ActivityEvent activity)
    {
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                if (subscriber.Study is null || subscriber.Study == activity.Study)
                {
                    subscriber.Events.Writer.TryWrite(activity); // full: the oldest is dropped
                }
            }
        }
    }

    public void Dispose() => _flush.Dispose();

    private void Flush()
    {
        var now = _time.GetUtcNow();
        List<ActivityEvent> counts = [];
        lock (_lock)
        {
            foreach (var ((study, series), arrival) in _series)
            {
                if (arrival.Dirty)
                {
                    arrival.Dirty = false;
                    counts.Add(ActivityEvent.Create(ActivityEvent.Received, study, series, "received", arrival.Instances.Count));
                }
            }
            foreach (var key in _series.Where(s => now - (s.Value.StableAt ?? s.Value.ChangedAt) > Retention).Select(s => s.Key).ToList())
            {
                _series.Remove(key);
            }
            foreach (var id in _jobs.Where(j => j.Value.Finished && now - j.Value.HeardAt > Retention).Select(j => j.Key).ToList())
            {
                _jobs.Remove(id);
            }
        }
        counts.ForEach(Publish);
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_lock)
        {
            _subscribers.Remove(subscriber);
        }
        subscriber.Events.Writer.TryComplete();
    }

    private sealed class SeriesArrival
    {
        public HashSet<string> Instances { get; } = new(StringComparer.Ordinal);
        public bool Dirty { get; set; }
        public DateTimeOffset ChangedAt { get; set; }
        public DateTimeOffset? StableAt { get; set; }
        public int? Indexed { get; set; }

        /// <summary>What a new subscriber is told first: received, then indexed when known, then stable when it is.</summary>
        public IEnumerable<ActivityEvent> Replay(string study, string series)
        {
            yield return ActivityEvent.Create(ActivityEvent.Received, study, series, "received", Instances.Count);
            if (Indexed is { } indexed)
            {
                yield return ActivityEvent.Create(StableAt is null ? ActivityEvent.Indexed : ActivityEvent.Stable, study, series, "instances", indexed);
            }
        }
    }

    internal sealed record Subscriber(string? Study, Channel<ActivityEvent> Events);

    private sealed record JobActivity(ActivityEvent Event, bool Finished, DateTimeOffset UpdatedAt, DateTimeOffset HeardAt);

    /// <summary>One client's events; dispose it when the client leaves.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly ActivityFeed _feed;
        private readonly Subscriber _subscriber;

        internal Subscription(ActivityFeed feed, Subscriber subscriber) => (_feed, _subscriber) = (feed, subscriber);

        /// <summary>The events, oldest first.</summary>
        public ChannelReader<ActivityEvent> Events => _subscriber.Events.Reader;

        public void Dispose() => _feed.Unsubscribe(_subscriber);
    }
}

/// <summary>One event of the feed, already in its server-sent events form (<c>event:</c> and <c>data:</c> lines), written once for all subscribers.</summary>
/// <param name="Study">The study it concerns (subscribers filter on it).</param>
/// <param name="Frame">The UTF-8 bytes of the event, blank line included.</param>
public sealed record ActivityEvent(string Study, ReadOnlyMemory<byte> Frame)
{
    /// <summary>Instances received for a series, counted by this process: <c>{study, series, received}</c>.</summary>
    public const string Received = "received";

    /// <summary>The index holds a series' new instances (SeriesChanged): <c>{study, series, instances}</c>.</summary>
    public const string Indexed = "indexed";

    /// <summary>A series received nothing for its quiet period (SeriesStable): <c>{study, series, instances}</c>.</summary>
    public const string Stable = "stable";

    /// <summary>A series' thumbnail was written: <c>{study, series}</c>.</summary>
    public const string Thumbnail = "thumbnail";

    /// <summary>A render instance loaded a series' volume: <c>{study, series}</c>.</summary>
    public const string Volume = "volume";

    /// <summary>Instances of a series were deleted: <c>{study, series}</c>.</summary>
    public const string Deleted = "deleted";

    /// <summary>A retrieval from a PACS changed (RetrievalChanged): the retrieval as <c>GET /api/retrievals/{id}</c> answers it.</summary>
    public const string Retrieval = "retrieval";

    /// <summary>A send to a DICOM node changed (SendChanged): the send as <c>GET /api/sends/{id}</c> answers it.</summary>
    public const string Send = "send";

    private static readonly JsonSerializerOptions JobJson = new(JsonSerializerDefaults.Web);

    /// <summary>The event <paramref name="name"/> about study <paramref name="study"/> whose data is <paramref name="message"/> as camelCase JSON.</summary>
    public static ActivityEvent ForJob<TMessage>(string name, string study, TMessage message) =>
        Write(name, study, json => JsonSerializer.Serialize(json, message, JobJson));

    /// <summary>The event <paramref name="name"/> about a series, with one count (<paramref name="countName"/>) when given.</summary>
    public static ActivityEvent Create(string name, string study, string series, string? countName = null, int count = 0) => Write(name, study, json =>
    {
        json.WriteStartObject();
        json.WriteString("study", study);
        json.WriteString("series", series);
        if (countName is not null)
        {
            json.WriteNumber(countName, count);
        }
        json.WriteEndObject();
    });

    private static ActivityEvent Write(string name, string study, Action<Utf8JsonWriter> writeData)
    {
        var frame = new ArrayBufferWriter<byte>(256);
        frame.Write(Encoding.UTF8.GetBytes($"event: {name}\ndata: "));
        using (var json = new Utf8JsonWriter(frame))
        {
            writeData(json);
        }
        frame.Write("\n\n"u8);
        return new ActivityEvent(study, frame.WrittenMemory);
    }
}
