using System.Diagnostics;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Rendering;
using Isocenter.ObjectStore;

namespace Isocenter.Thumbnails;

/// <summary>What <see cref="ThumbnailService.CreateAsync"/> wrote: the thumbnail's key, size and source (frame numbers from 0).</summary>
public sealed record Thumbnail(string Key, int Width, int Height, long Length, string InstanceKey, int Frame, int InstanceCount);

/// <summary>
/// Makes a series' thumbnail: reads the headers of the instances under <c>instances/{study}/{series}/</c> (never their pixel
/// data), picks a representative frame (<see cref="RepresentativeFrame"/>), renders it with a good window
/// (<see cref="ThumbnailWindow"/>), shrinks it to at most <see cref="MaxSize"/> pixels on the long side and writes
/// <c>thumbnails/{study}/{series}.jpg</c>. The same objects always give the same bytes, and the write is one atomic put,
/// so running it again, or twice at once, is harmless.
/// </summary>
public sealed partial class ThumbnailService(IObjectStore store, DicomCodecRegistry codecs, TimeProvider time, ILogger<ThumbnailService> logger)
{
    /// <summary>The longest side of a thumbnail, in pixels.</summary>
    public const int MaxSize = 256;

    /// <summary>JPEG quality (IJG scale); colour is subsampled 4:2:0, as photographs on the web are.</summary>
    public const int Quality = 85;

    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    /// <summary>
    /// Writes the series' thumbnail. Throws <see cref="DicomDataException"/> (naming the instance) when the chosen frame
    /// cannot be decoded or rendered, <see cref="InvalidOperationException"/> when the series has no readable image (yet), and
    /// <see cref="ArgumentException"/> for invalid UIDs.
    /// </summary>
    public async Task<Thumbnail> CreateAsync(string studyInstanceUid, string seriesInstanceUid, CancellationToken cancellationToken)
    {
        var prefix = ObjectKeys.SeriesInstances(studyInstanceUid, seriesInstanceUid);
        var key = ObjectKeys.SeriesThumbnail(studyInstanceUid, seriesInstanceUid);
        using var activity = ThumbnailsTelemetry.ActivitySource.StartActivity("thumbnail create");
        activity?.SetTag("dicom.study_instance_uid", studyInstanceUid);
        activity?.SetTag("dicom.series_instance_uid", seriesInstanceUid);
        var started = time.GetTimestamp();
        try
        {
            var headers = await ReadHeadersAsync(prefix, cancellationToken).ConfigureAwait(false);
            if (headers.Count == 0)
            {
                throw new InvalidOperationException($"No readable image under {prefix}.");
            }
            var (instance, frame) = RepresentativeFrame.Pick(headers);
            var image = await RenderAsync(instance.Key, frame, cancellationToken).ConfigureAwait(false);
            var bytes = JpegEncoder.Encode(image, Quality, JpegChromaSubsampling.HorizontalAndVertical);
            await store.PutAsync(key, new MemoryStream(bytes, writable: false), cancellationToken).ConfigureAwait(false);
            var thumbnail = new Thumbnail(key, image.Width, image.Height, bytes.Length, instance.Key, frame, headers.Count);
            ThumbnailsTelemetry.Written.Add(1);
            LogWritten(logger, key, image.Width, image.Height, bytes.Length, instance.Key, frame + 1, headers.Count);
            return thumbnail;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ThumbnailsTelemetry.Failed.Add(1);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            ThumbnailsTelemetry.Duration.Record(time.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<List<InstanceHeader>> ReadHeadersAsync(string prefix, CancellationToken cancellationToken)
    {
        var headers = new List<InstanceHeader>();
        await foreach (var info in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (!info.Key.EndsWith(".dcm", StringComparison.Ordinal) || info.Key.IndexOf('/', prefix.Length) >= 0)
            {
                continue;
            }
            var stream = await store.OpenReadAsync(info.Key, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    var dataset = DicomFile.Open(stream, HeaderOnly).Dataset;
                    if (dataset.Contains(DicomTag.Rows))
                    {
                        headers.Add(InstanceHeader.Read(info.Key, dataset));
                    }
                    else
                    {
                        LogNotAnImage(logger, info.Key); // a structured report, presentation state, key object…
                    }
                }
                catch (DicomException e)
                {
                    LogUnreadableHeader(logger, info.Key, e.Message);
                }
            }
        }
        return headers;
    }

    private async Task<RenderedImage> RenderAsync(string instanceKey, int frame, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var stream = await store.OpenReadAsync(instanceKey, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        buffer.Position = 0;
        try
        {
            var file = DicomFile.Open(buffer);
            ThumbnailWindow.ApplyFunctionalGroups(file.Dataset, frame);
            var pixelData = DicomPixelData.Create(file);
            var pixels = codecs.GetFrame(pixelData, frame);
            // At most MaxSize on the long side, displayed aspect kept, never enlarged; area averaging on modality values.
            return DicomRenderer.Render(pixelData, pixels, ThumbnailWindow.Choose(pixelData, pixels),
                Math.Min(MaxSize, pixelData.Columns), Math.Min(MaxSize, pixelData.Rows));
        }
        catch (Exception e) when (e is DicomException or NotSupportedException)
        {
            throw new DicomDataException($"{instanceKey}: frame {frame + 1} cannot be rendered: {e.Message}", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {ThumbnailKey} ({Width}x{Height}, {Length} bytes) from {InstanceKey} frame {Frame}, chosen among {InstanceCount} instances")]
    private static partial void LogWritten(ILogger logger, string thumbnailKey, int width, int height, long length, string instanceKey, int frame, int instanceCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipping {InstanceKey} for the thumbnail: it is not an image (no Rows)")]
    private static partial void LogNotAnImage(ILogger logger, string instanceKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping {InstanceKey} for the thumbnail: its header cannot be read: {Reason}")]
    private static partial void LogUnreadableHeader(ILogger logger, string instanceKey, string reason);
}
