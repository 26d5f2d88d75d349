using System.Diagnostics;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Png;
using Isocenter.Dicom.Imaging.Rendering;
using Isocenter.Render.Volumes;

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

/// <summary>Renders frames of cached series volumes and encodes them; the HTTP endpoints and the sessions share it.</summary>
public sealed class FrameService(VolumeCache cache, FrameRenderer renderer)
{
    /// <summary>
    /// One frame of the series: rendered at <paramref name="scale"/> of the asked size, as JPEG at <paramref name="quality"/>
    /// (null: the parameters' own) or PNG when the parameters ask for it and <paramref name="allowPng"/>.
    /// </summary>
    public async Task<RenderedFrame> RenderAsync(SeriesKey key, FrameParameters parameters, CancellationToken cancellationToken,
        double scale = 1, int? quality = null, bool allowPng = true)
    {
        using var lease = await cache.AcquireAsync(key, cancellationToken).ConfigureAwait(false);
        var request = parameters.ToRequest(lease.Volume, scale);
        var started = Stopwatch.GetTimestamp();
        var image = await renderer.RenderAsync(lease.Volume.Volume, request, cancellationToken).ConfigureAwait(false);
        var rendered = Stopwatch.GetElapsedTime(started);
        var png = parameters.Png && allowPng;
        var bytes = png ? Png(image) : JpegEncoder.Encode(image, quality ?? parameters.Quality, JpegChromaSubsampling.HorizontalAndVertical);
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
