using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Isocenter.Render;

/// <summary>The service's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>.</summary>
internal static class RenderTelemetry
{
    public const string Name = "Isocenter.Render";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Frames = Meter.CreateCounter<long>("isocenter.render.frames", description: "Frames rendered and encoded.");

    public static readonly Histogram<double> RenderDuration = Meter.CreateHistogram<double>("isocenter.render.frame.duration", "s", "Time to render one frame (GPU or CPU) and copy it back.");

    public static readonly Histogram<double> EncodeDuration = Meter.CreateHistogram<double>("isocenter.render.encode.duration", "s", "Time to encode one frame as JPEG or PNG.");

    public static readonly Histogram<double> LoadDuration = Meter.CreateHistogram<double>("isocenter.render.volume.load.duration", "s", "Time to load a series into a renderable volume (index, object reads, decoding, upload).");

    public static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("isocenter.render.cache.hits", description: "Volume requests answered from the cache.");

    public static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("isocenter.render.cache.misses", description: "Volume requests that loaded the series.");

    public static readonly Counter<long> Evictions = Meter.CreateCounter<long>("isocenter.render.cache.evictions", description: "Volumes dropped from the cache to stay within its budget, or invalidated.");
}
