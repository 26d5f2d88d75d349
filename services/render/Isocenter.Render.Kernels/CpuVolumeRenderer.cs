using System.Numerics;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Render.Kernels;

/// <summary>
/// The production CPU fallback and the tests' reference: rows in parallel; projections and MPR march
/// <see cref="Vector{T}"/>-wide packets of neighbouring rays (SIMD positions, weights and blending; the eight trilinear corners
/// gathered per lane); DVR runs the kernels' per-ray code (<see cref="RayCaster.Composite"/>), since early termination and
/// brick skipping make rays of one packet diverge.
/// </summary>
public static class CpuVolumeRenderer
{
    /// <summary>Renders one frame: 8-bit grey for projections, RGB for DVR.</summary>
    public static RenderedImage Render(RenderVolume volume, RenderRequest request)
    {
        var c = request.Camera;
        var p = RayParams.Create(volume, request);
        if (request.Mode == RenderMode.Dvr)
        {
            var (colors, visible) = request.Preset.BuildTable(volume.MinValue, volume.MaxValue, p.Step);
            var data = new ManagedVolume(volume.Voxels, volume.BrickRanges);
            var table = new ManagedTable(colors, visible);
            var rgba = new uint[c.Width * c.Height];
            Parallel.For(0, c.Height, y =>
            {
                for (var x = 0; x < c.Width; x++)
                {
                    rgba[y * c.Width + x] = RayCaster.Composite(data, table, p, x, y);
                }
            });
            return ToRgb(c.Width, c.Height, rgba);
        }
        var values = Project(volume, request);
        var grey = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            grey[i] = RayCaster.Grey(values[i], p);
        }
        return new RenderedImage(c.Width, c.Height, 1, grey);
    }

    /// <summary>The modality values of a projection or MPR (NaN where a ray misses the volume).</summary>
    public static float[] Project(RenderVolume volume, RenderRequest request)
    {
        RequireProjection(request);
        var p = RayParams.Create(volume, request);
        var values = new float[p.Width * p.Height];
        Parallel.For(0, p.Height, y =>
        {
            for (var x = 0; x < p.Width; x += Vector<float>.Count)
            {
                ProjectPacket(volume.Voxels, p, x, y, values);
            }
        });
        return values;
    }

    internal static void RequireProjection(RenderRequest request)
    {
        if (request.Mode == RenderMode.Dvr)
        {
            throw new ArgumentException("DVR gives colours, not modality values.", nameof(request));
        }
    }

    /// <summary>An RGB image from RGBA8 pixels (R in the low byte).</summary>
    internal static RenderedImage ToRgb(int width, int height, uint[] rgba)
    {
        var rgb = new byte[rgba.Length * 3];
        for (var i = 0; i < rgba.Length; i++)
        {
            rgb[3 * i] = (byte)rgba[i];
            rgb[3 * i + 1] = (byte)(rgba[i] >> 8);
            rgb[3 * i + 2] = (byte)(rgba[i] >> 16);
        }
        return new RenderedImage(width, height, 3, rgb);
    }

    // Rays x .. x + lanes − 1 of row y, marched together from the first sample of any lane to the last.
    private static void ProjectPacket(short[] voxels, in RayParams p, int x0, int y, float[] values)
    {
        var lanes = Vector<float>.Count;
        Span<int> first = stackalloc int[lanes];
        Span<int> last = stackalloc int[lanes];
        Span<float> lane = stackalloc float[lanes];
        int kMin = int.MaxValue, kMax = int.MinValue;
        for (var l = 0; l < lanes; l++)
        {
            lane[l] = x0 + l;
            if (x0 + l >= p.Width || !RayCaster.Clip(p, p.Origin + p.PixelX * (x0 + l) + p.PixelY * y, out first[l], out last[l]))
            {
                (first[l], last[l]) = (int.MaxValue, int.MinValue);
                continue;
            }
            kMin = Math.Min(kMin, first[l]);
            kMax = Math.Max(kMax, last[l]);
        }
        var index = new Vector<float>(lane);
        var ox = new Vector<float>(p.Origin.X + p.PixelY.X * y) + index * p.PixelX.X;
        var oy = new Vector<float>(p.Origin.Y + p.PixelY.Y * y) + index * p.PixelX.Y;
        var oz = new Vector<float>(p.Origin.Z + p.PixelY.Z * y) + index * p.PixelX.Z;
        var firstK = new Vector<int>(first);
        var lastK = new Vector<int>(last);
        var max = p.Mode == (int)RenderMode.Mip;
        var min = p.Mode == (int)RenderMode.MinIp;
        var acc = new Vector<float>(max ? float.MinValue : min ? float.MaxValue : 0f);
        Span<float> corners = stackalloc float[8 * lanes];
        for (var k = kMin; k <= kMax; k++)
        {
            var t = k * p.Step;
            var active = Vector.GreaterThanOrEqual(new Vector<int>(k), firstK) & Vector.LessThanOrEqual(new Vector<int>(k), lastK);
            var s = Sample(voxels, p, ox + new Vector<float>(p.Direction.X * t), oy + new Vector<float>(p.Direction.Y * t),
                oz + new Vector<float>(p.Direction.Z * t), corners);
            var blended = max ? Vector.Max(acc, s) : min ? Vector.Min(acc, s) : acc + s;
            acc = Vector.ConditionalSelect(active, blended, acc);
        }
        for (var l = 0; l < lanes && x0 + l < p.Width; l++)
        {
            var value = acc[l];
            if (!max && !min)
            {
                value /= last[l] - first[l] + 1;
            }
            values[y * p.Width + x0 + l] = first[l] <= last[l] ? value * p.Slope + p.Intercept : float.NaN;
        }
    }

    // Trilinear interpolation of one packet of positions: SIMD weights and lerps, the eight corners gathered lane by lane.
    private static Vector<float> Sample(short[] voxels, in RayParams p, Vector<float> x, Vector<float> y, Vector<float> z, Span<float> corners)
    {
        var lanes = Vector<float>.Count;
        x = Vector.Min(Vector.Max(x, Vector<float>.Zero), new Vector<float>(p.Columns - 1));
        y = Vector.Min(Vector.Max(y, Vector<float>.Zero), new Vector<float>(p.Rows - 1));
        z = Vector.Min(Vector.Max(z, Vector<float>.Zero), new Vector<float>(p.Slices - 1));
        var ix = Vector.Min(Vector.ConvertToInt32(x), new Vector<int>(p.Columns - 2));
        var iy = Vector.Min(Vector.ConvertToInt32(y), new Vector<int>(p.Rows - 2));
        var iz = Vector.Min(Vector.ConvertToInt32(z), new Vector<int>(p.Slices - 2));
        var fx = x - Vector.ConvertToSingle(ix);
        var fy = y - Vector.ConvertToSingle(iy);
        var fz = z - Vector.ConvertToSingle(iz);
        var start = (iz * new Vector<int>(p.Rows) + iy) * new Vector<int>(p.Columns) + ix;
        var row = p.Columns;
        var slice = p.Columns * p.Rows;
        for (var l = 0; l < lanes; l++)
        {
            var i = start[l];
            corners[l] = voxels[i];
            corners[lanes + l] = voxels[i + 1];
            corners[2 * lanes + l] = voxels[i + row];
            corners[3 * lanes + l] = voxels[i + row + 1];
            corners[4 * lanes + l] = voxels[i + slice];
            corners[5 * lanes + l] = voxels[i + slice + 1];
            corners[6 * lanes + l] = voxels[i + slice + row];
            corners[7 * lanes + l] = voxels[i + slice + row + 1];
        }
        var c00 = Lerp(corners, 0, 1, fx);
        var c10 = Lerp(corners, 2, 3, fx);
        var c01 = Lerp(corners, 4, 5, fx);
        var c11 = Lerp(corners, 6, 7, fx);
        var c0 = c00 + (c10 - c00) * fy;
        var c1 = c01 + (c11 - c01) * fy;
        return c0 + (c1 - c0) * fz;
    }

    private static Vector<float> Lerp(Span<float> corners, int a, int b, Vector<float> f)
    {
        var lanes = Vector<float>.Count;
        var va = new Vector<float>(corners.Slice(a * lanes, lanes));
        var vb = new Vector<float>(corners.Slice(b * lanes, lanes));
        return va + (vb - va) * f;
    }

    private readonly struct ManagedVolume(short[] voxels, int[] bricks) : IVolumeData
    {
        public float Voxel(int index) => voxels[index];

        public void Corners(ref Cell cell, int row, int slice)
        {
            var i = cell.Index;
            cell.C000 = voxels[i];
            cell.C100 = voxels[i + 1];
            cell.C010 = voxels[i + row];
            cell.C110 = voxels[i + row + 1];
            cell.C001 = voxels[i + slice];
            cell.C101 = voxels[i + slice + 1];
            cell.C011 = voxels[i + slice + row];
            cell.C111 = voxels[i + slice + row + 1];
        }

        public int BrickRange(int index) => bricks[index];
    }

    private readonly struct ManagedTable(Rgba[] colors, int[] visible) : ITransferTable
    {
        public Rgba Color(int index) => colors[index];

        public int Visible(int index) => visible[index];
    }
}
