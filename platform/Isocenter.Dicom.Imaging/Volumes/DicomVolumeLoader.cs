using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Volumes;

/// <summary>Progress of <see cref="DicomVolumeLoader.Load"/>: slices decoded into the volume so far, of all.</summary>
public readonly record struct VolumeProgress(int SlicesDone, int Slices);

/// <summary>
/// Assembles a <see cref="DicomVolume"/> from files: single-frame instances of one series, or enhanced multi-frame
/// instances. Headers are read first (pixel data left unread) and checked by <see cref="VolumeLayout.Create"/>; then one
/// buffer is allocated and the slices are decoded into it one by one, in volume order, holding one file at a time.
/// </summary>
public static class DicomVolumeLoader
{
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    /// <summary>Loads the volume made by the instances at <paramref name="paths"/>, decoding frames with <paramref name="codecs"/>.</summary>
    public static DicomVolume Load(
        IEnumerable<string> paths,
        DicomCodecRegistry codecs,
        VolumeOptions? options = null,
        IProgress<VolumeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var slices = new List<VolumeSlice>();
        foreach (var path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            slices.AddRange(VolumeSlice.FromDataset(DicomFile.Open(path, HeaderOnly).Dataset, path));
        }
        var layout = VolumeLayout.Create(slices, options);
        return Fill(layout, path => DicomPixelData.Create(DicomFile.Open(path)), codecs, progress, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Decodes the slices of <paramref name="layout"/> into a new volume; <paramref name="open"/> gives the pixel data of a
    /// slice's <see cref="VolumeSlice.Source"/> (called once per run of consecutive slices from the same source). With
    /// <paramref name="maxDegreeOfParallelism"/> above 1, that many runs are decoded at once (<paramref name="open"/> must then
    /// be thread-safe, and as many sources are held at once).
    /// </summary>
    public static DicomVolume Fill(
        VolumeLayout layout,
        Func<string, DicomPixelData> open,
        DicomCodecRegistry codecs,
        IProgress<VolumeProgress>? progress = null,
        int maxDegreeOfParallelism = 1,
        CancellationToken cancellationToken = default)
    {
        var g = layout.Geometry;
        var total = (long)g.Rows * g.Columns * g.Slices;
        // Integral slopes and intercepts may give int16 voxels; a value out of range makes it float32 (decoded again).
        if (layout.Slices.All(s => double.IsInteger(s.RescaleSlope) && double.IsInteger(s.RescaleIntercept)))
        {
            var int16 = GC.AllocateUninitializedArray<short>(checked((int)total));
            if (Decode(layout, open, codecs, progress, maxDegreeOfParallelism,
                (pixelData, frame, slice, offset, length) => TryFillInt16(pixelData, frame, slice, int16.AsSpan(offset, length)), cancellationToken))
            {
                return new DicomVolume(layout, int16, null);
            }
        }
        var float32 = GC.AllocateUninitializedArray<float>(checked((int)total));
        Decode(layout, open, codecs, progress, maxDegreeOfParallelism, (pixelData, frame, slice, offset, length) =>
        {
            FillFloat32(pixelData, frame, slice, float32.AsSpan(offset, length));
            return true;
        }, cancellationToken);
        return new DicomVolume(layout, null, float32);
    }

    // Decodes every slice into the voxels at its offset through fill; false as soon as a fill returns false.
    private static bool Decode(
        VolumeLayout layout,
        Func<string, DicomPixelData> open,
        DicomCodecRegistry codecs,
        IProgress<VolumeProgress>? progress,
        int maxDegreeOfParallelism,
        Func<DicomPixelData, byte[], VolumeSlice, int, int, bool> fill,
        CancellationToken cancellationToken)
    {
        var slices = layout.Slices;
        var sliceLength = layout.Geometry.Rows * layout.Geometry.Columns;
        // Runs of consecutive slices from one source: each is opened once.
        var runs = new List<(int First, int Count)>();
        for (var k = 0; k < slices.Count; k++)
        {
            if (k > 0 && slices[k - 1].Source == slices[k].Source)
            {
                runs[^1] = (runs[^1].First, runs[^1].Count + 1);
            }
            else
            {
                runs.Add((k, 1));
            }
        }
        var done = 0;
        var failed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism), CancellationToken = cancellationToken };
        Parallel.ForEach(runs, parallel, (run, state) =>
        {
            var pixelData = open(slices[run.First].Source);
            for (var k = run.First; k < run.First + run.Count && Volatile.Read(ref failed) == 0; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!fill(pixelData, codecs.GetFrame(pixelData, slices[k].Frame), slices[k], k * sliceLength, sliceLength))
                {
                    Interlocked.Exchange(ref failed, 1);
                    state.Stop();
                    return;
                }
                progress?.Report(new VolumeProgress(Interlocked.Increment(ref done), slices.Count));
            }
        });
        return failed == 0;
    }

    private static bool TryFillInt16(DicomPixelData pixelData, byte[] frame, VolumeSlice slice, Span<short> voxels)
    {
        var slope = (long)slice.RescaleSlope;
        var intercept = (long)slice.RescaleIntercept;
        for (var i = 0; i < voxels.Length; i++)
        {
            var value = pixelData.ReadSample(frame, i) * slope + intercept;
            if (value is < short.MinValue or > short.MaxValue)
            {
                return false;
            }
            voxels[i] = (short)value;
        }
        return true;
    }

    private static void FillFloat32(DicomPixelData pixelData, byte[] frame, VolumeSlice slice, Span<float> voxels)
    {
        for (var i = 0; i < voxels.Length; i++)
        {
            voxels[i] = (float)(pixelData.ReadSample(frame, i) * slice.RescaleSlope + slice.RescaleIntercept);
        }
    }
}
