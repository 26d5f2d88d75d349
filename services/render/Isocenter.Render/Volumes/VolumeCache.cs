using Isocenter.Contracts.Render;
using Isocenter.Render.Frames;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Isocenter.Render.Volumes;

/// <summary>
/// The series volumes on the renderer, least recently used dropped first to stay within <see cref="RenderOptions.CacheBudgetMiB"/>.
/// A series is loaded once however many ask for it at once; callers hold a <see cref="VolumeLease"/> while they render, and a
/// volume dropped (evicted or invalidated by <see cref="Invalidate"/>) is freed when its last lease ends.
/// </summary>
/// <remarks>Each completed load is announced as <see cref="VolumeLoaded"/> on <paramref name="bus"/> (the viewer's activity feed).</remarks>
public sealed partial class VolumeCache(SeriesVolumeLoader loader, FrameRenderer renderer, IOptions<RenderOptions> options, TimeProvider time, IBus bus,
    ILogger<VolumeCache> logger) : IDisposable
{
    private readonly Dictionary<SeriesKey, Entry> _entries = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();

    private long Budget => (long)options.Value.CacheBudgetMiB << 20;

    /// <summary>Volumes cached (loaded or loading) and the bytes the loaded ones take.</summary>
    public (int Volumes, long Bytes) Usage
    {
        get
        {
            lock (_lock)
            {
                return (_entries.Count, _entries.Values.Sum(e => e.Bytes));
            }
        }
    }

    /// <summary>
    /// The series' volume, loaded when not cached (one load however many wait for it; cancelling a wait does not cancel the
    /// load). Dispose the lease when the frame is rendered. Throws the load's <see cref="RenderException"/>; a failed load is
    /// forgotten, so the next request tries again.
    /// </summary>
    public async Task<VolumeLease> AcquireAsync(SeriesKey key, CancellationToken cancellationToken)
    {
        while (true)
        {
            Entry entry;
            lock (_lock)
            {
                if (!_entries.TryGetValue(key, out entry!))
                {
                    entry = new Entry(key);
                    _entries[key] = entry;
                    entry.Load = LoadAsync(entry);
                    RenderTelemetry.CacheMisses.Add(1);
                }
                else
                {
                    RenderTelemetry.CacheHits.Add(1);
                }
            }
            var volume = await entry.Load.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (!entry.Dropped)
                {
                    entry.Leases++;
                    entry.LastUsed = time.GetTimestamp();
                    return new VolumeLease(this, entry, volume);
                }
            }
            // Dropped between its load and this lease (invalidated, or evicted by a bigger newcomer): load it again.
        }
    }

    /// <summary>Drops the series' volume (it changed, or was deleted): the next request loads it again.</summary>
    public void Invalidate(string studyInstanceUid, string seriesInstanceUid)
    {
        List<Entry> dropped;
        lock (_lock)
        {
            dropped = [.. _entries.Values.Where(e => e.Key.SeriesInstanceUid == seriesInstanceUid && e.Key.StudyInstanceUid == studyInstanceUid)];
            dropped.ForEach(Drop);
        }
        foreach (var entry in dropped)
        {
            LogInvalidated(logger, entry.Key);
            FreeIfUnused(entry);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        List<Entry> all;
        lock (_lock)
        {
            all = [.. _entries.Values];
            all.ForEach(Drop);
        }
        all.ForEach(FreeIfUnused);
        _stopping.Dispose();
    }

    private async Task<SeriesVolume> LoadAsync(Entry entry)
    {
        await Task.Yield(); // the caller holds the lock
        SeriesVolume volume;
        try
        {
            volume = await loader.LoadAsync(entry.Key, _stopping.Token).ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                Drop(entry);
            }
            throw;
        }
        if (volume.Volume.Bytes > Budget)
        {
            renderer.Release(volume.Volume);
            lock (_lock)
            {
                Drop(entry);
            }
            throw RenderException.Unavailable(
                $"{entry.Key} needs {volume.Volume.Bytes >> 20} MiB on the renderer, more than the whole cache budget of {options.Value.CacheBudgetMiB} MiB (Render:CacheBudgetMiB).");
        }
        List<Entry> evicted = [];
        bool current;
        lock (_lock)
        {
            entry.Volume = volume;
            entry.Bytes = volume.Volume.Bytes;
            entry.LastUsed = time.GetTimestamp();
            current = !entry.Dropped;
            if (entry.Dropped)
            {
                // Invalidated while it loaded: what was read may predate the change. Waiters load it again.
                evicted.Add(entry);
            }
            var total = _entries.Values.Sum(e => e.Bytes);
            foreach (var old in _entries.Values.Where(e => e != entry && e.Volume is not null).OrderBy(e => e.LastUsed).ToList())
            {
                if (total <= Budget)
                {
                    break;
                }
                total -= old.Bytes;
                Drop(old);
                evicted.Add(old);
            }
        }
        foreach (var old in evicted)
        {
            if (old != entry)
            {
                RenderTelemetry.Evictions.Add(1);
                LogEvicted(logger, old.Key, old.Bytes >> 20, options.Value.CacheBudgetMiB);
            }
            FreeIfUnused(old);
        }
        if (current)
        {
            _ = AnnounceAsync(entry.Key, volume.Volume.Bytes); // the waiters need not wait for the broker
        }
        return volume;
    }

    /// <summary>Publishes <see cref="VolumeLoaded"/>; a failure is logged, never the load's.</summary>
    private async Task AnnounceAsync(SeriesKey key, long bytes)
    {
        try
        {
            await bus.Publish(new VolumeLoaded(key.StudyInstanceUid, key.SeriesInstanceUid, bytes, time.GetUtcNow()), _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogNotAnnounced(logger, e, key);
        }
    }

    // Under the lock: the entry leaves the cache; its volume is freed when its last lease ends.
    private void Drop(Entry entry)
    {
        entry.Dropped = true;
        if (_entries.TryGetValue(entry.Key, out var current) && current == entry)
        {
            _entries.Remove(entry.Key);
        }
    }

    private void Return(Entry entry)
    {
        lock (_lock)
        {
            entry.Leases--;
            entry.LastUsed = time.GetTimestamp();
        }
        FreeIfUnused(entry);
    }

    private void FreeIfUnused(Entry entry)
    {
        SeriesVolume? volume;
        lock (_lock)
        {
            if (!entry.Dropped || entry.Leases > 0 || entry.Volume is null)
            {
                return;
            }
            volume = entry.Volume;
            entry.Volume = null;
        }
        renderer.Release(volume.Volume);
    }

    internal sealed class Entry(SeriesKey key)
    {
        public SeriesKey Key { get; } = key;
        public Task<SeriesVolume> Load { get; set; } = null!;
        public SeriesVolume? Volume { get; set; }
        public long Bytes { get; set; }
        public long LastUsed { get; set; }
        public int Leases { get; set; }
        public bool Dropped { get; set; }
    }

    /// <summary>A series' volume held for rendering; dispose it when done.</summary>
    public sealed class VolumeLease : IDisposable
    {
        private readonly VolumeCache _cache;
        private readonly Entry _entry;
        private bool _returned;

        internal VolumeLease(VolumeCache cache, Entry entry, SeriesVolume volume)
        {
            _cache = cache;
            _entry = entry;
            Volume = volume;
        }

        /// <summary>The volume.</summary>
        public SeriesVolume Volume { get; }

        public void Dispose()
        {
            if (!_returned)
            {
                _returned = true;
                _cache.Return(_entry);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loaded {Series}, but could not publish VolumeLoaded (the activity feed will not show it)")]
    private static partial void LogNotAnnounced(ILogger logger, Exception exception, SeriesKey series);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Series} from the cache: it changed or was deleted")]
    private static partial void LogInvalidated(ILogger logger, SeriesKey series);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicted {Series} ({MiB} MiB), the least recently used, to stay within the cache budget of {BudgetMiB} MiB")]
    private static partial void LogEvicted(ILogger logger, SeriesKey series, long miB, int budgetMiB);
}
