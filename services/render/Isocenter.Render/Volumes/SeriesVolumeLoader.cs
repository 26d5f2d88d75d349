using System.Collections.Concurrent;
using System.Diagnostics;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Volumes;
using Isocenter.Index;
using Isocenter.ObjectStore;
using Isocenter.Render.Frames;
using Isocenter.Render.Kernels;
using Microsoft.Extensions.Options;

namespace Isocenter.Render.Volumes;

/// <summary>
/// Loads a series into a renderable volume: its instances from the archive's index, their objects read from the object store
/// (several at once), headers checked and sorted by <see cref="VolumeLayout"/>, frames decoded into one buffer
/// (<see cref="DicomVolumeLoader.Fill"/>), then handed to the <see cref="FrameRenderer"/>.
/// </summary>
public sealed partial class SeriesVolumeLoader(
    IIndexStore index, IObjectStore store, DicomCodecRegistry codecs, FrameRenderer renderer, IOptions<RenderOptions> options, ILogger<SeriesVolumeLoader> logger)
{
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    /// <summary>
    /// The series as a volume on the renderer. Throws <see cref="RenderException"/>: 404 when the index has no instance of
    /// it, 422 when its instances do not make one volume (the reason names the slices).
    /// </summary>
    public async Task<SeriesVolume> LoadAsync(SeriesKey key, CancellationToken cancellationToken)
    {
        using var activity = RenderTelemetry.ActivitySource.StartActivity("volume load");
        activity?.SetTag("dicom.series_instance_uid", key.SeriesInstanceUid);
        var started = Stopwatch.GetTimestamp();
        var identifier = new DicomDataset().Set(DicomTag.StudyInstanceUID, key.StudyInstanceUid).Set(DicomTag.SeriesInstanceUID, key.SeriesInstanceUid);
        var instances = await index.ListInstancesAsync(new IndexQuery(QueryLevel.Series, identifier), cancellationToken).ConfigureAwait(false);
        if (instances.Count == 0)
        {
            throw RenderException.NotFound($"No {key} in the archive.");
        }
        LogLoading(logger, key, instances.Count);
        var objects = await ReadAsync(instances, cancellationToken).ConfigureAwait(false);
        var read = Stopwatch.GetElapsedTime(started);
        var (layout, modality, window) = Layout(key, objects);
        DicomVolume decoded;
        try
        {
            decoded = DicomVolumeLoader.Fill(layout, source => DicomPixelData.Create(DicomFile.Open(new MemoryStream(objects[source], writable: false))),
                codecs, new Progress(logger, key), Environment.ProcessorCount, cancellationToken);
        }
        catch (Exception e) when (e is DicomException or NotSupportedException)
        {
            throw RenderException.NotRenderable($"{key} cannot be decoded into a volume: {e.Message}", e);
        }
        objects.Clear();
        RenderVolume volume;
        try
        {
            volume = RenderVolume.FromDicom(decoded);
        }
        catch (ArgumentException e)
        {
            throw RenderException.NotRenderable($"{key} does not make a volume: {e.Message}", e);
        }
        var decodedAt = Stopwatch.GetElapsedTime(started);
        var prepared = await renderer.PrepareAsync(volume, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        RenderTelemetry.LoadDuration.Record(elapsed.TotalSeconds);
        var g = volume.Geometry;
        LogLoaded(logger, key, g.Columns, g.Rows, g.Slices, prepared.Bytes >> 20, (long)elapsed.TotalMilliseconds, (long)read.TotalMilliseconds,
            (long)(decodedAt - read).TotalMilliseconds, (long)(elapsed - decodedAt).TotalMilliseconds);
        var (center, width) = window ?? ((volume.MinValue + volume.MaxValue) / 2.0, Math.Max(volume.MaxValue - volume.MinValue, 1.0));
        return new SeriesVolume(key, prepared, modality, center, width);
    }

    // Every object of the series, by key, read LoadConcurrency at a time.
    private async Task<ConcurrentDictionary<string, byte[]>> ReadAsync(IReadOnlyList<InstanceLocation> instances, CancellationToken cancellationToken)
    {
        var objects = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.LoadConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(instances, parallel, async (instance, token) =>
        {
            var buffer = new MemoryStream(instance.Size > 0 && instance.Size < int.MaxValue ? (int)instance.Size : 0);
            try
            {
                var stream = await store.OpenReadAsync(instance.ObjectKey, token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await stream.CopyToAsync(buffer, token).ConfigureAwait(false);
                }
            }
            catch (ObjectNotFoundException)
            {
                // Deleted after the index was read: the volume is made of what is left (or refused as having a gap).
                LogMissingObject(logger, instance.ObjectKey);
                return;
            }
            objects[instance.ObjectKey] = buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
        }).ConfigureAwait(false);
        return objects;
    }

    // The slices' layout, the modality and the window of the middle slice; images only (a report or presentation state is skipped).
    private (VolumeLayout Layout, string Modality, (double, double)? Window) Layout(SeriesKey key, IReadOnlyDictionary<string, byte[]> objects)
    {
        // Headers are parsed on every core; the layout sorts the slices, so the order they come in does not matter.
        var parsed = new ConcurrentBag<(string Key, DicomDataset Dataset, IReadOnlyList<VolumeSlice> Slices)>();
        Parallel.ForEach(objects, o =>
        {
            try
            {
                var dataset = DicomFile.Open(new MemoryStream(o.Value, writable: false), HeaderOnly).Dataset;
                if (dataset.Contains(DicomTag.Rows))
                {
                    parsed.Add((o.Key, dataset, VolumeSlice.FromDataset(dataset, o.Key)));
                }
            }
            catch (DicomException e)
            {
                LogUnreadableHeader(logger, o.Key, e.Message);
            }
        });
        var headers = parsed.ToDictionary(p => p.Key, p => p.Dataset, StringComparer.Ordinal);
        var slices = parsed.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Slices).ToList();
        VolumeLayout layout;
        try
        {
            layout = VolumeLayout.Create(slices);
        }
        catch (DicomException e)
        {
            throw RenderException.NotRenderable($"{key} does not make a volume: {e.Message}", e);
        }
        var middle = headers[layout.Slices[layout.Slices.Count / 2].Source];
        var window = middle.TryGetValue<double>(DicomTag.WindowCenter, out var center) && middle.TryGetValue<double>(DicomTag.WindowWidth, out var width) && width > 0
            ? (center, width)
            : ((double, double)?)null;
        return (layout, middle.GetString(DicomTag.Modality)?.Trim() ?? "", window);
    }

    // Logs every quarter of the slices decoded.
    private sealed class Progress(ILogger logger, SeriesKey key) : IProgress<VolumeProgress>
    {
        public void Report(VolumeProgress value)
        {
            if (value.Slices >= 64 && value.SlicesDone % (value.Slices / 4) == 0)
            {
                LogDecoding(logger, key, value.SlicesDone, value.Slices);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loading {Series}: {Instances} instances")]
    private static partial void LogLoading(ILogger logger, SeriesKey series, int instances);

    [LoggerMessage(Level = LogLevel.Information, Message = "Decoding {Series}: {Done}/{Slices} slices")]
    private static partial void LogDecoding(ILogger logger, SeriesKey series, int done, int slices);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Series}: {Columns}x{Rows}x{Slices}, {MiB} MiB on the renderer, in {Milliseconds} ms (read {ReadMs} ms, decode {DecodeMs} ms, upload {UploadMs} ms)")]
    private static partial void LogLoaded(ILogger logger, SeriesKey series, int columns, int rows, int slices, long miB, long milliseconds, long readMs, long decodeMs, long uploadMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ObjectKey} is in the index but not in the object store (deleted meanwhile?); the volume is made without it")]
    private static partial void LogMissingObject(ILogger logger, string objectKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping {ObjectKey} for the volume: its header cannot be read: {Reason}")]
    private static partial void LogUnreadableHeader(ILogger logger, string objectKey, string reason);
}
