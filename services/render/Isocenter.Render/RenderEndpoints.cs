using System.Globalization;
using Isocenter.Render.Frames;
using Isocenter.Render.Kernels;
using Isocenter.Render.Sessions;
using Isocenter.Render.Volumes;
using Microsoft.Extensions.Options;

namespace Isocenter.Render;

/// <summary>
/// The HTTP API under <c>/render</c>: the service's state, a series' volume description (loading it), 3D and MPR images,
/// and the WebSocket session (<see cref="SessionEndpoints"/>).
/// </summary>
internal static class RenderEndpoints
{
    /// <summary>The root of every route.</summary>
    public const string Base = "/render";

    /// <summary>A series' routes, below <see cref="Base"/>.</summary>
    public const string Series = "/studies/{study}/series/{series}";

    /// <summary>Maps the routes.</summary>
    public static void MapRender(this WebApplication app)
    {
        var render = app.MapGroup(Base);
        render.MapGet("/", Status);
        render.MapGet(Series, DescribeAsync);
        render.MapGet(Series + "/volume", (HttpContext context, string study, string series, FrameService frames, IOptions<RenderOptions> options) =>
            ImageAsync(context, new SeriesKey(study, series), FrameKind.Volume, frames, options.Value));
        render.MapGet(Series + "/mpr", (HttpContext context, string study, string series, FrameService frames, IOptions<RenderOptions> options) =>
            ImageAsync(context, new SeriesKey(study, series), FrameKind.Mpr, frames, options.Value));
        render.MapSessions(Series + "/session");
    }

    // The renderer, the cache and the sessions.
    private static IResult Status(FrameRenderer renderer, VolumeCache cache, SessionRegistry sessions, IOptions<RenderOptions> options)
    {
        var (volumes, bytes) = cache.Usage;
        return Results.Json(new
        {
            Accelerator = renderer.Description,
            Gpu = renderer.IsGpu,
            CachedVolumes = volumes,
            CacheMiB = bytes >> 20,
            CacheBudgetMiB = options.Value.CacheBudgetMiB,
            Sessions = sessions.Count,
            Presets = TransferFunction.Presets.Select(p => p.Name),
        });
    }

    // The series' volume, loaded into the cache (so this also warms it): grid, spacing, window and the MPR offsets' ranges.
    private static async Task<IResult> DescribeAsync(string study, string series, VolumeCache cache, CancellationToken cancellationToken)
    {
        using var lease = await cache.AcquireAsync(new SeriesKey(study, series), cancellationToken).ConfigureAwait(false);
        var v = lease.Volume;
        var g = v.Geometry;
        object Range(VolumeCamera camera) => new { Min = -camera.Reach(g), Max = camera.Reach(g) };
        return Results.Json(new
        {
            v.Key.StudyInstanceUid,
            v.Key.SeriesInstanceUid,
            v.Modality,
            g.Columns,
            g.Rows,
            g.Slices,
            Spacing = new[] { g.ColumnSpacing, g.RowSpacing, g.SliceSpacing },
            Window = new { Center = v.WindowCenter, Width = v.WindowWidth },
            ValueRange = new[] { v.Volume.Source.MinValue, v.Volume.Source.MaxValue },
            Offsets = new
            {
                Axial = Range(VolumeCamera.Axial(g, 2, 2)),
                Coronal = Range(VolumeCamera.Anterior(g, 2, 2)),
                Sagittal = Range(VolumeCamera.Sagittal(g, 2, 2)),
            },
        });
    }

    private static async Task<IResult> ImageAsync(HttpContext context, SeriesKey key, FrameKind kind, FrameService frames, RenderOptions options)
    {
        var parameters = FrameParameters.Parse(kind, context.Request.Query, options.MaxImageSize);
        var frame = await frames.RenderAsync(key, parameters, interactive: false, context.RequestAborted).ConfigureAwait(false);
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers["X-Orientation"] = frame.Labels.ToString();
        headers["X-Pixel-Spacing"] = frame.PixelSpacing.ToString("0.####", CultureInfo.InvariantCulture);
        headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"render;dur={frame.RenderMilliseconds:0.##}, encode;dur={frame.EncodeMilliseconds:0.##}");
        return Results.Bytes(frame.Bytes, frame.ContentType);
    }
}
