using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Png;
using Isocenter.Dicom.Imaging.Rendering;
using Isocenter.Index;
using Isocenter.ObjectStore;
using Microsoft.Net.Http.Headers;

namespace Isocenter.DicomWeb.Retrieve;

/// <summary>
/// Rendered resources (PS3.18 10.4.1.1.3) and thumbnails (10.4.1.1.4): one frame through the display pipeline of
/// <see cref="DicomRenderer"/>, as <c>image/jpeg</c> (the default) or <c>image/png</c>, with an ETag for conditional GETs.
/// </summary>
internal sealed class RenderedService(RetrieveService retrieve, IObjectStore store, DicomCodecRegistry codecs)
{
    /// <summary>The longest side of a thumbnail rendered on the fly, as the thumbnail service makes them (docs/thumbnails.md).</summary>
    public const int ThumbnailSize = 256;

    private static readonly RenderingParameters Thumbnail = new(null, ThumbnailSize, ThumbnailSize, null, null);

    /// <summary>
    /// An instance rendered (its first frame; <paramref name="frames"/> names one frame of a multi-frame instance), with the
    /// query parameters of 8.3.5.1; 304 when If-None-Match names its ETag.
    /// </summary>
    public async Task RenderAsync(HttpContext context, string study, string series, string instance, string? frames)
    {
        var parameters = RenderingParameters.Parse(context.Request.Query);
        var number = frames is null ? 1 : RetrieveService.ParseFrameList(frames) is [var single] ? single
            : throw DicomWebException.BadRequest("A rendered frames resource renders one frame; ask for each frame separately.");
        var mediaType = MediaType(context.Request);
        var location = (await retrieve.LocateAsync(study, series, instance, context.RequestAborted).ConfigureAwait(false))[0];
        if (NotModified(context, location.ObjectKey, location.Size.ToString(CultureInfo.InvariantCulture), context.Request.Path, context.Request.QueryString.Value ?? "", mediaType))
        {
            return;
        }
        var image = await RenderAsync(location, number, parameters, enlarge: true, context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, image, mediaType, parameters.Quality).ConfigureAwait(false);
    }

    /// <summary>
    /// The thumbnail of a study (its first series'), a series (the thumbnail service's <c>thumbnails/{study}/{series}.jpg</c>,
    /// else its middle instance rendered) or an instance: at most <see cref="ThumbnailSize"/> pixels on the long side.
    /// </summary>
    public async Task ThumbnailAsync(HttpContext context, string study, string? series, string? instance)
    {
        var cancellationToken = context.RequestAborted;
        var mediaType = MediaType(context.Request);
        var instances = await retrieve.LocateAsync(study, series, instance, cancellationToken).ConfigureAwait(false);
        var first = instances[0];
        var location = first;
        if (instance is null)
        {
            var key = ObjectKeys.SeriesThumbnail(first.StudyInstanceUid, first.SeriesInstanceUid);
            if (mediaType == DicomWebMediaTypes.Jpeg && await store.StatAsync(key, cancellationToken).ConfigureAwait(false) is { } thumbnail)
            {
                if (NotModified(context, key, thumbnail.Size.ToString(CultureInfo.InvariantCulture)))
                {
                    return;
                }
                var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    context.Response.ContentType = DicomWebMediaTypes.Jpeg;
                    context.Response.ContentLength = thumbnail.Size;
                    await stream.CopyToAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
                }
                return;
            }
            var seriesInstances = instances.Where(i => i.SeriesInstanceUid == first.SeriesInstanceUid).ToList();
            location = seriesInstances[seriesInstances.Count / 2];
        }
        if (NotModified(context, location.ObjectKey, location.Size.ToString(CultureInfo.InvariantCulture), "thumbnail", mediaType))
        {
            return;
        }
        var image = await RenderAsync(location, 1, Thumbnail, enlarge: false, cancellationToken).ConfigureAwait(false);
        await WriteAsync(context, image, mediaType, null).ConfigureAwait(false);
    }

    private async Task<RenderedImage> RenderAsync(InstanceLocation location, int number, RenderingParameters parameters, bool enlarge, CancellationToken cancellationToken)
    {
        await using var stored = await retrieve.OpenParsedAsync(location, cancellationToken).ConfigureAwait(false);
        var pixelData = RetrieveService.PixelDataOf(stored);
        if (number > pixelData.NumberOfFrames)
        {
            throw DicomWebException.NotFound($"Frame {number} does not exist: the instance has {pixelData.NumberOfFrames} frame(s).");
        }
        try
        {
            return Render(pixelData, codecs.GetFrame(pixelData, number - 1), parameters, enlarge);
        }
        catch (Exception e) when (e is DicomException or NotSupportedException)
        {
            throw DicomWebException.NotAcceptable($"Frame {number} of instance {location.SopInstanceUid} cannot be rendered: {e.Message}");
        }
    }

    private static RenderedImage Render(DicomPixelData pixelData, byte[] frame, RenderingParameters parameters, bool enlarge)
    {
        if (parameters is { Source: { } source, ViewportWidth: { } width, ViewportHeight: { } height })
        {
            if (source.X + source.Width > pixelData.Columns || source.Y + source.Height > pixelData.Rows)
            {
                throw DicomWebException.BadRequest($"The viewport's source region {source.Width}×{source.Height} at ({source.X}, {source.Y}) is not inside the {pixelData.Columns}×{pixelData.Rows} frame.");
            }
            var cropped = DicomRenderer.Render(pixelData, frame, parameters.Window).Crop(source.X, source.Y, source.Width, source.Height);
            var scale = Math.Min((double)width / source.Width, (double)height / source.Height);
            return DicomRenderer.Resize(cropped, Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
        }
        if (parameters is { ViewportWidth: { } maxWidth, ViewportHeight: { } maxHeight })
        {
            return DicomRenderer.Render(pixelData, frame, parameters.Window,
                enlarge ? maxWidth : Math.Min(maxWidth, pixelData.Columns), enlarge ? maxHeight : Math.Min(maxHeight, pixelData.Rows));
        }
        return DicomRenderer.Render(pixelData, frame, parameters.Window);
    }

    private static async Task WriteAsync(HttpContext context, RenderedImage image, string mediaType, int? quality)
    {
        var bytes = mediaType == DicomWebMediaTypes.Png ? PngEncoder.Encode(image)
            : quality is { } q ? JpegEncoder.Encode(image, q) : JpegEncoder.Encode(image);
        context.Response.ContentType = mediaType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>image/jpeg</c> or <c>image/png</c>, whichever the <c>accept</c> query parameter (PS3.18 8.3.3.1), else the Accept
    /// header, wants first; <c>*/*</c> and <c>image/*</c> get JPEG; 406 otherwise.
    /// </summary>
    private static string MediaType(HttpRequest request)
    {
        var ranges = AcceptedMediaType.Parse(request);
        foreach (var range in ranges)
        {
            if (range.Matches(DicomWebMediaTypes.Jpeg))
            {
                return DicomWebMediaTypes.Jpeg;
            }
            if (range.Matches(DicomWebMediaTypes.Png))
            {
                return DicomWebMediaTypes.Png;
            }
        }
        throw DicomWebException.NotAcceptable($"Rendered images are {DicomWebMediaTypes.Jpeg} or {DicomWebMediaTypes.Png}, not '{string.Join(", ", ranges)}'.");
    }

    /// <summary>Sets the ETag made of <paramref name="parts"/> (what the image is made from); true, with 304, when If-None-Match names it.</summary>
    private static bool NotModified(HttpContext context, params string[] parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}\"");
        context.Response.Headers.ETag = etag.ToString();
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(m => m.Equals(EntityTagHeaderValue.Any) || m.Compare(etag, useStrongComparison: false)))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }
        return false;
    }
}
