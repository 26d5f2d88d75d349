using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Isocenter.Storage;

/// <summary>The service's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>.</summary>
internal static class StorageTelemetry
{
    public const string Name = "Isocenter.Storage";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> InstancesIndexed = Meter.CreateCounter<long>("isocenter.storage.instances_indexed", description: "Instances indexed (new or replaced), redeliveries included.");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("isocenter.storage.batch_size", description: "Instances per index batch.");

    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("isocenter.storage.batch_duration", "s", "Time to index one batch and publish its SeriesChanged.");

    public static readonly Counter<long> InstancesDeleted = Meter.CreateCounter<long>("isocenter.storage.instances_deleted", description: "Instances deleted from the index and the object store.");
}
