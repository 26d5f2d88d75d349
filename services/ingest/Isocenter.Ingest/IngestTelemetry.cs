using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Isocenter.Ingest;

/// <summary>The service's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>.</summary>
internal static class IngestTelemetry
{
    public const string Name = "Isocenter.Ingest";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Received = Meter.CreateCounter<long>("isocenter.ingest.instances.received", description: "Instances stored and announced (answered Success).");

    public static readonly Counter<long> Failed = Meter.CreateCounter<long>("isocenter.ingest.instances.failed", description: "C-STOREs answered with a failure status, by status.");

    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>("isocenter.ingest.bytes", "By", "Bytes of the Part 10 objects stored.");

    public static readonly Histogram<double> StoreDuration = Meter.CreateHistogram<double>("isocenter.ingest.store.duration", "s", "From the first dataset byte to the object stored.");

    public static readonly Histogram<double> PublishDuration = Meter.CreateHistogram<double>("isocenter.ingest.publish.duration", "s", "Announcing an instance (InstancesReceived) until the broker confirmed it.");
}
