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
        return Fill(layout, path => DicomPixelData.Create(DicomFile.Open(path)), codecs, progress, cancellationToken);
    }

    /// <summary>
    /// Decodes the slices of <paramref name="layout"/> into a new volume; <paramref name="open"/> gives the pixel data of a
    /// slice's <see cref="VolumeSlice.Source"/> (called once per run of consecutive slices from the same source).
    /// </summary>
    public static DicomVolume Fill(
        VolumeLayout layout,
        Func<string, DicomPixelData> open,
        DicomCodecRegistry codecs,
        IProgress<VolumeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var g = layout.Geometry;
        var sliceLength = g.Rows * g.Columns;
        var total = (long)sliceLength * g.Slices;
        // Integral slopes and intercepts may give int16 voxels; a value out of range switches to float32 once.
        var integral = layout.Slices.All(s => double.IsInteger(s.RescaleSlope) && double.IsInteger(s.RescaleIntercept));
        var int16 = integral ? GC.AllocateUninitializedArray<short>(checked((int)total)) : null;
        var float32 = integral ? null : GC.AllocateUninitializedArray<float>(checked((int)total));
        DicomPixelData? pixelData = null;
        for (var k = 0; k < layout.Slices.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = layout.Slices[k];
            if (pixelData is null || k == 0 || layout.Slices[k - 1].Source != slice.Source)
            {
                pixelData = open(slice.Source);
            }
            var frame = codecs.GetFrame(pixelData, slice.Frame);
            var offset = (long)k * sliceLength;
            if (int16 is not null && !TryFillInt16(pixelData, frame, slice, int16.AsSpan((int)offset, sliceLength)))
            {
                float32 = GC.AllocateUninitializedArray<float>(checked((int)total));
                for (long i = 0; i < offset; i++)
                {
                    float32[i] = int16[i];
                }
                int16 = null;
            }
            if (float32 is not null)
            {
                FillFloat32(pixelData, frame, slice, float32.AsSpan((int)offset, sliceLength));
            }
            progress?.Report(new VolumeProgress(k + 1, layout.Slices.Count));
        }
        return new DicomVolume(layout, int16, float32);
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
