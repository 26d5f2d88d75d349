using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Isocenter.Thumbnails;

/// <summary>The service's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <see cref="Name"/>.</summary>
internal static class ThumbnailsTelemetry
{
    public const string Name = "Isocenter.Thumbnails";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Written = Meter.CreateCounter<long>("isocenter.thumbnails.written", description: "Thumbnails written to the object store.");

    public static readonly Counter<long> Failed = Meter.CreateCounter<long>("isocenter.thumbnails.failed", description: "Series whose thumbnail could not be made.");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("isocenter.thumbnails.duration", "s", "Time to make one thumbnail, listing and header reads included.");
}
