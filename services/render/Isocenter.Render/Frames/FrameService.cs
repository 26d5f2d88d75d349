using System.Diagnostics;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Png;
using Isocenter.Dicom.Imaging.Rendering;
using Isocenter.Render.Kernels;
using Isocenter.Render.Volumes;
using Microsoft.Extensions.Options;

namespace Isocenter.Render.Frames;

/// <summary>An encoded frame and what a viewer shows with it.</summary>
/// <param name="Bytes">JPEG or PNG.</param>
/// <param name="ContentType"><c>image/jpeg</c> or <c>image/png</c>.</param>
/// <param name="Width">Pixels across.</param>
/// <param name="Height">Pixels down.</param>
/// <param name="PixelSpacing">Millimetres between pixel centres in the image plane.</param>
/// <param name="Labels">The patient directions at the image's edges.</param>
/// <param name="RenderMilliseconds">Time to render (and copy back) the frame, waiting for the renderer included.</param>
/// <param name="EncodeMilliseconds">Time to encode it.</param>
public sealed record RenderedFrame(byte[] Bytes, string ContentType, int Width, int Height, double PixelSpacing, OrientationLabels Labels,
    double RenderMilliseconds, double EncodeMilliseconds);

/// <summary>
/// Renders frames of cached series volumes and encodes them; the HTTP endpoints and the sessions share it. A still frame is
/// the reference image (every shaded sample lit by central differences) at the asked size and quality; an interactive one
/// (the user is dragging) is rendered at <see cref="RenderOptions.InteractiveScale"/> of the size, as JPEG at
/// <see cref="RenderOptions.InteractiveQuality"/>, with the kernels' cheap lighting of faint samples
/// (<see cref="RenderRequest.CentralDifferenceWeight"/>).
/// </summary>
public sealed class FrameService(VolumeCache cache, FrameRenderer renderer, IOptions<RenderOptions> options)
{
    /// <summary>One frame of the series, still or interactive.</summary>
    public async Task<RenderedFrame> RenderAsync(SeriesKey key, FrameParameters parameters, bool interactive, CancellationToken cancellationToken)
    {
        using var lease = await cache.AcquireAsync(key, cancellationToken).ConfigureAwait(false);
        var request = parameters.ToRequest(lease.Volume, interactive ? options.Value.InteractiveScale : 1);
        if (!interactive)
        {
            request = request with { CentralDifferenceWeight = 0 };
        }
        var started = Stopwatch.GetTimestamp();
        var image = await renderer.RenderAsync(lease.Volume.Volume, request, cancellationToken).ConfigureAwait(false);
        var rendered = Stopwatch.GetElapsedTime(started);
        var png = parameters.Png && !interactive;
        var bytes = png ? Png(image)
            : JpegEncoder.Encode(image, interactive ? options.Value.InteractiveQuality : parameters.Quality, JpegChromaSubsampling.HorizontalAndVertical);
        var encoded = Stopwatch.GetElapsedTime(started) - rendered;
        RenderTelemetry.Frames.Add(1);
        RenderTelemetry.RenderDuration.Record(rendered.TotalSeconds);
        RenderTelemetry.EncodeDuration.Record(encoded.TotalSeconds);
        var c = request.Camera;
        return new RenderedFrame(bytes, png ? "image/png" : "image/jpeg", c.Width, c.Height, c.PixelSpacing, OrientationLabels.Of(c),
            rendered.TotalMilliseconds, encoded.TotalMilliseconds);
    }

    private static byte[] Png(RenderedImage image)
    {
        using var buffer = new MemoryStream();
        PngEncoder.Write(image, buffer);
        return buffer.ToArray();
    }
}
