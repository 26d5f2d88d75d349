using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Render.Kernels;

/// <summary>
/// A volume ready to render: 16-bit stored values (modality value = stored · <see cref="Slope"/> + <see cref="Intercept"/>),
/// its geometry, and the minimum and maximum stored value of every 8³ brick for empty-space skipping.
/// </summary>
public sealed class RenderVolume
{
    /// <summary>Voxels per brick edge.</summary>
    public const int BrickSize = 8;

    /// <summary>Wraps <paramref name="voxels"/> (column fastest, then row, then slice) without copying and computes the bricks.</summary>
    public RenderVolume(VolumeGeometry geometry, short[] voxels, float slope = 1, float intercept = 0)
    {
        if (geometry.Columns < 2 || geometry.Rows < 2 || geometry.Slices < 2)
        {
            throw new ArgumentException($"A rendered volume needs at least 2 voxels along each axis; got {geometry.Columns}×{geometry.Rows}×{geometry.Slices}.", nameof(geometry));
        }
        if (voxels.LongLength != (long)geometry.Columns * geometry.Rows * geometry.Slices)
        {
            throw new ArgumentException($"{voxels.LongLength} voxels do not make {geometry.Columns}×{geometry.Rows}×{geometry.Slices}.", nameof(voxels));
        }
        Geometry = geometry;
        Voxels = voxels;
        Slope = slope;
        Intercept = intercept;
        BricksX = Bricks(geometry.Columns);
        BricksY = Bricks(geometry.Rows);
        BricksZ = Bricks(geometry.Slices);
        BrickRanges = ComputeBricks();
        var min = BrickRanges.Min(b => (short)b) * slope + intercept;
        var max = BrickRanges.Max(b => (short)(b >> 16)) * slope + intercept;
        MinValue = Math.Min(min, max);
        MaxValue = Math.Max(min, max);
    }

    /// <summary>Voxel grid and voxel → patient (LPS) mapping.</summary>
    public VolumeGeometry Geometry { get; }

    /// <summary>Stored values, column fastest.</summary>
    public short[] Voxels { get; }

    public float Slope { get; }
    public float Intercept { get; }

    /// <summary>Smallest and largest modality value in the volume.</summary>
    public float MinValue { get; }
    public float MaxValue { get; }

    public int BricksX { get; }
    public int BricksY { get; }
    public int BricksZ { get; }

    /// <summary>
    /// Per brick (x fastest), the smallest stored value in the low 16 bits and the largest in the high 16 bits, over voxels
    /// [8b, 8b + 8] on each axis: the one-voxel overlap covers every trilinear footprint of a sample inside the brick.
    /// </summary>
    public int[] BrickRanges { get; }

    /// <summary>
    /// A volume from a loaded series: int16 voxels are used as they are; float32 voxels are quantised linearly onto the
    /// 16-bit range between their minimum and maximum.
    /// </summary>
    public static RenderVolume FromDicom(DicomVolume volume)
    {
        if (volume.Int16Voxels is { } int16)
        {
            return new RenderVolume(volume.Geometry, int16);
        }
        var values = volume.Float32Voxels!;
        var min = values.Min();
        var max = values.Max();
        var slope = max > min ? (max - min) / 65535f : 1f;
        var intercept = min + 32768 * slope;
        var stored = new short[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            stored[i] = (short)Math.Clamp(MathF.Round((values[i] - intercept) / slope), short.MinValue, short.MaxValue);
        }
        return new RenderVolume(volume.Geometry, stored, slope, intercept);
    }

    private static int Bricks(int voxels) => (voxels - 2) / BrickSize + 1;

    private int[] ComputeBricks()
    {
        var g = Geometry;
        var ranges = new int[BricksX * BricksY * BricksZ];
        Parallel.For(0, BricksZ * BricksY, row =>
        {
            var (bz, by) = Math.DivRem(row, BricksY);
            for (var bx = 0; bx < BricksX; bx++)
            {
                short min = short.MaxValue, max = short.MinValue;
                for (var z = bz * BrickSize; z <= Math.Min(bz * BrickSize + BrickSize, g.Slices - 1); z++)
                {
                    for (var y = by * BrickSize; y <= Math.Min(by * BrickSize + BrickSize, g.Rows - 1); y++)
                    {
                        var start = ((long)z * g.Rows + y) * g.Columns + bx * BrickSize;
                        var length = Math.Min(BrickSize, g.Columns - 1 - bx * BrickSize) + 1;
                        foreach (var v in Voxels.AsSpan((int)start, length))
                        {
                            min = Math.Min(min, v);
                            max = Math.Max(max, v);
                        }
                    }
                }
                ranges[row * BricksX + bx] = (ushort)min | (max << 16);
            }
        });
        return ranges;
    }
}
