namespace Isocenter.Render.Kernels;

/// <summary>Voxels (stored values as floats) and brick ranges, from a device buffer or a managed array.</summary>
internal interface IVolumeData
{
    float Voxel(int index);

    /// <summary>Fills the corners of <paramref name="cell"/> from its index (its first corner) and the volume's strides.</summary>
    void Corners(ref Cell cell, int row, int slice);

    int BrickRange(int index);
}

/// <summary>The transfer-function table and its running count of visible entries.</summary>
internal interface ITransferTable
{
    Rgba Color(int index);

    int Visible(int index);
}

/// <summary>
/// Per-ray code shared by the ILGPU kernels (compiled for CUDA, or run by ILGPU's CPU accelerator) and the CPU renderer:
/// ray/box clipping, manual trilinear sampling, brick skipping, projections and shaded front-to-back compositing. Sample
/// positions lie on one grid along the view (t = k · step from the camera plane) for every ray, so skipping never shifts them.
/// </summary>
internal static class RayCaster
{
    /// <summary>Accumulated opacity at which a ray stops (early ray termination).</summary>
    public const float Opaque = 0.98f;

    // Every how many samples the coarse pass of a MIP/MinIP looks (32 × 0.35 mm ≈ 16 voxels of the benchmark volume); rays of
    // fewer than 4 · CoarseStride samples go without it.
    private const int CoarseStride = 32;

    /// <summary>The value of a pixel of a MIP/MinIP/average/MPR: a modality value, NaN where the ray misses the volume.</summary>
    public static float Project<TVolume>(in TVolume volume, in RayParams p, int x, int y)
        where TVolume : struct, IVolumeData
    {
        var o = p.Origin + p.PixelX * x + p.PixelY * y;
        if (!Clip(p, o, out var first, out var last))
        {
            return float.NaN;
        }
        var max = p.Mode == (int)RenderMode.Mip;
        if (max || p.Mode == (int)RenderMode.MinIp)
        {
            // A coarse pass over every CoarseStride-th sample of the same grid starts the running maximum (minimum) near its
            // end, so the full pass skips most bricks from the first; the result is that of the full pass alone. Short rays
            // (thin slabs) go without: there the coarse pass costs more than the bricks it saves.
            var none = max ? float.MinValue : float.MaxValue;
            var coarse = last - first < 4 * CoarseStride ? none : Extreme(volume, p, o, first, last, CoarseStride, max, none);
            return Extreme(volume, p, o, first, last, 1, max, coarse) * p.Slope + p.Intercept;
        }
        var sum = 0f;
        for (var k = first; k <= last; k++)
        {
            var pos = o + p.Direction * (k * p.Step);
            sum += Sample(volume, p, pos.X, pos.Y, pos.Z);
        }
        return sum / (last - first + 1) * p.Slope + p.Intercept;
    }

    // The maximum (minimum) of acc and the samples k = first, first + stride, … ≤ last, skipping bricks that cannot change it.
    private static float Extreme<TVolume>(in TVolume volume, in RayParams p, Float3 o, int first, int last, int stride, bool max, float acc)
        where TVolume : struct, IVolumeData
    {
        var brickEnd = float.MinValue;
        var k = first;
        while (k <= last)
        {
            var t = k * p.Step;
            var pos = o + p.Direction * t;
            if (t >= brickEnd)
            {
                var range = volume.BrickRange(BrickIndex(p, pos));
                var exit = BrickExit(p, pos, t);
                if (max ? (short)(range >> 16) <= acc : (short)range >= acc)
                {
                    // The first sample of the stride at or after the brick's exit.
                    var next = exit / p.Step;
                    k = next > last ? last + 1 : k + ((Math.Max(k + 1, (int)MathF.Ceiling(next)) - k + stride - 1) / stride * stride);
                    continue;
                }
                brickEnd = exit;
            }
            var s = Sample(volume, p, pos.X, pos.Y, pos.Z);
            var t2 = (k + stride) * p.Step;
            if (k + stride <= last && t2 < brickEnd)
            {
                // Two samples of the same brick per iteration: their loads are in flight together.
                var pos2 = o + p.Direction * t2;
                var s2 = Sample(volume, p, pos2.X, pos2.Y, pos2.Z);
                s = max ? MathF.Max(s, s2) : MathF.Min(s, s2);
                k += stride;
            }
            acc = max ? MathF.Max(acc, s) : MathF.Min(acc, s);
            k += stride;
        }
        return acc;
    }

    /// <summary>A projected value as 8-bit grey through the window; 0 where the ray missed.</summary>
    public static byte Grey(float value, in RayParams p)
    {
        var g = (value - p.WindowLow) * p.WindowScale;
        return g >= 0 ? (byte)MathF.Min(g + 0.5f, 255) : (byte)0;
    }

    /// <summary>The RGBA8 (R in the low byte) pixel of shaded DVR: front-to-back compositing over a black background.</summary>
    public static uint Composite<TVolume, TTable>(in TVolume volume, in TTable table, in RayParams p, int x, int y)
        where TVolume : struct, IVolumeData
        where TTable : struct, ITransferTable
    {
        var o = p.Origin + p.PixelX * x + p.PixelY * y;
        float r = 0, g = 0, b = 0, a = 0;
        if (Clip(p, o, out var first, out var last))
        {
            var brickEnd = float.MinValue;
            for (var k = first; k <= last; k++)
            {
                var t = k * p.Step;
                var pos = o + p.Direction * t;
                if (t >= brickEnd)
                {
                    // Skip a brick whose value range maps only to transparent table entries.
                    var range = volume.BrickRange(BrickIndex(p, pos));
                    var exit = BrickExit(p, pos, t);
                    var lo = TableIndex(p, (short)range * p.Slope + p.Intercept);
                    var hi = TableIndex(p, (short)(range >> 16) * p.Slope + p.Intercept);
                    if (table.Visible(hi + 1) == table.Visible(lo))
                    {
                        k = SkipTo(k, last, exit, p.Step);
                        continue;
                    }
                    brickEnd = exit;
                }
                var cell = Fetch(volume, p, pos.X, pos.Y, pos.Z);
                var c = table.Color(TableIndex(p, cell.Value * p.Slope + p.Intercept));
                if (c.A <= 0)
                {
                    continue;
                }
                var w = (1 - a) * c.A;
                var shade = Shade(volume, p, pos, cell, w >= p.CentralDifferenceWeight);
                r += w * (c.R * shade.X + shade.Y);
                g += w * (c.G * shade.X + shade.Y);
                b += w * (c.B * shade.X + shade.Y);
                a += w;
                if (a >= Opaque)
                {
                    break;
                }
            }
        }
        return ToByte(r) | (ToByte(g) << 8) | (ToByte(b) << 16) | 0xFF000000u;
    }

    /// <summary>Trilinear interpolation of stored values at voxel coordinates (clamped to the volume).</summary>
    public static float Sample<TVolume>(in TVolume volume, in RayParams p, float x, float y, float z)
        where TVolume : struct, IVolumeData =>
        Fetch(volume, p, x, y, z).Value;

    // The trilinear cell around voxel coordinates (clamped to the volume).
    private static Cell Fetch<TVolume>(in TVolume volume, in RayParams p, float x, float y, float z)
        where TVolume : struct, IVolumeData
    {
        x = MathF.Min(MathF.Max(x, 0), p.Columns - 1);
        y = MathF.Min(MathF.Max(y, 0), p.Rows - 1);
        z = MathF.Min(MathF.Max(z, 0), p.Slices - 1);
        var ix = Math.Min((int)x, p.Columns - 2);
        var iy = Math.Min((int)y, p.Rows - 2);
        var iz = Math.Min((int)z, p.Slices - 2);
        var fx = x - ix;
        var fy = y - iy;
        var fz = z - iz;
        var row = p.Columns;
        var slice = p.Columns * p.Rows;
        var cell = new Cell { Index = (iz * p.Rows + iy) * p.Columns + ix, Fx = fx, Fy = fy, Fz = fz };
        volume.Corners(ref cell, row, slice);
        return cell;
    }

    /// <summary>
    /// The sample range [<paramref name="first"/>, <paramref name="last"/>] (t = k · step) of the ray from <paramref name="o"/>
    /// inside the clip box (at most the volume's voxel-centre box), behind the clip plane and within [Near, Far]; false when empty.
    /// </summary>
    public static bool Clip(in RayParams p, Float3 o, out int first, out int last)
    {
        var near = p.Near;
        var far = p.Far;
        ClipAxis(o.X, p.Direction.X, p.ClipLow.X, p.ClipHigh.X, ref near, ref far);
        ClipAxis(o.Y, p.Direction.Y, p.ClipLow.Y, p.ClipHigh.Y, ref near, ref far);
        ClipAxis(o.Z, p.Direction.Z, p.ClipLow.Z, p.ClipHigh.Z, ref near, ref far);
        if (p.PlaneOffset < float.MaxValue)
        {
            // Keep t with PlaneNormal · (o + t · d) ≤ PlaneOffset.
            var along = p.PlaneNormal.Dot(p.Direction);
            var room = p.PlaneOffset - p.PlaneNormal.Dot(o);
            if (MathF.Abs(along) < 1e-9f)
            {
                far = room < 0 ? float.MinValue : far;
            }
            else if (along > 0)
            {
                far = MathF.Min(far, room / along);
            }
            else
            {
                near = MathF.Max(near, room / along);
            }
        }
        first = (int)MathF.Ceiling(near / p.Step);
        last = (int)MathF.Floor(far / p.Step);
        return near <= far && first <= last;
    }

    private static void ClipAxis(float o, float d, float min, float max, ref float near, ref float far)
    {
        // A small margin keeps rays that run exactly along a face of the box inside it despite rounding.
        const float margin = 1e-4f;
        if (MathF.Abs(d) < 1e-9f)
        {
            if (o < min - margin || o > max + margin)
            {
                far = float.MinValue;
            }
            return;
        }
        var t0 = (min - margin - o) / d;
        var t1 = (max + margin - o) / d;
        near = MathF.Max(near, MathF.Min(t0, t1));
        far = MathF.Min(far, MathF.Max(t0, t1));
    }

    private static int BrickIndex(in RayParams p, Float3 pos)
    {
        var bx = Math.Min(Math.Max((int)pos.X, 0) >> 3, p.BricksX - 1);
        var by = Math.Min(Math.Max((int)pos.Y, 0) >> 3, p.BricksY - 1);
        var bz = Math.Min(Math.Max((int)pos.Z, 0) >> 3, p.BricksZ - 1);
        return (bz * p.BricksY + by) * p.BricksX + bx;
    }

    // The t at which the ray leaves the brick holding pos (reached at t).
    private static float BrickExit(in RayParams p, Float3 pos, float t) =>
        t + MathF.Min(AxisExit(pos.X, p.Direction.X, p.BricksX), MathF.Min(AxisExit(pos.Y, p.Direction.Y, p.BricksY), AxisExit(pos.Z, p.Direction.Z, p.BricksZ)));

    private static float AxisExit(float x, float d, int bricks)
    {
        if (MathF.Abs(d) < 1e-9f)
        {
            return float.MaxValue;
        }
        var brick = Math.Min(Math.Max((int)x, 0) >> 3, bricks - 1);
        if (d > 0 && brick == bricks - 1)
        {
            // The last brick reaches the far face of the box.
            return float.MaxValue;
        }
        return MathF.Max(((d > 0 ? brick + 1 : brick) * 8f - x) / d, 0);
    }

    // The loop index before the first sample at or after exit (the loop increments it), at least k.
    private static int SkipTo(int k, int last, float exit, float step)
    {
        var next = exit / step;
        return next > last ? last : Math.Max(k, (int)MathF.Ceiling(next) - 1);
    }

    private static int TableIndex(in RayParams p, float value) =>
        Math.Min(Math.Max((int)((value - p.TableMin) * p.TableScale + 0.5f), 0), TransferFunction.TableSize - 1);

    // (diffuse + ambient factor for the colour, specular term) from a headlight and the gradient at pos: central
    // differences when centred, else the gradient of pos's trilinear cell.
    private static Float3 Shade<TVolume>(in TVolume volume, in RayParams p, Float3 pos, in Cell cell, bool centred)
        where TVolume : struct, IVolumeData
    {
        Float3 voxel;
        if (!centred)
        {
            voxel = cell.Gradient;
        }
        else if (pos.X >= 1 && pos.X < p.Columns - 2 && pos.Y >= 1 && pos.Y < p.Rows - 2 && pos.Z >= 1 && pos.Z < p.Slices - 2)
        {
            voxel = Gradient(volume, p, cell);
        }
        else
        {
            // Near a face the clamped samples differ from the shifted cells of Gradient.
            var gx = Sample(volume, p, pos.X + 1, pos.Y, pos.Z) - Sample(volume, p, pos.X - 1, pos.Y, pos.Z);
            var gy = Sample(volume, p, pos.X, pos.Y + 1, pos.Z) - Sample(volume, p, pos.X, pos.Y - 1, pos.Z);
            var gz = Sample(volume, p, pos.X, pos.Y, pos.Z + 1) - Sample(volume, p, pos.X, pos.Y, pos.Z - 1);
            voxel = new Float3(gx, gy, gz);
        }
        var normal = new Float3(p.GradientX.Dot(voxel), p.GradientY.Dot(voxel), p.GradientZ.Dot(voxel));
        var length = MathF.Sqrt(normal.Dot(normal));
        if (length < 1e-6f)
        {
            // No gradient (homogeneous region): lit as if facing the light, no highlight.
            return new Float3(p.Ambient + p.Diffuse, 0, 0);
        }
        var facing = MathF.Abs(normal.Dot(p.Light)) / length;
        return new Float3(p.Ambient + p.Diffuse * facing, p.Specular * Power(facing, p.SpecularPower), 0);
    }

    // The central differences Sample(pos ± 1 voxel) − … along each axis, at least one voxel inside every face: the six
    // shifted cells share the fractions of pos's cell and span 32 distinct voxels, the cell's 8 and 24 more.
    private static Float3 Gradient<TVolume>(in TVolume volume, in RayParams p, in Cell cell)
        where TVolume : struct, IVolumeData
    {
        float fx = cell.Fx, fy = cell.Fy, fz = cell.Fz;
        var row = p.Columns;
        var slice = p.Columns * p.Rows;
        var i = cell.Index;
        // v{x}{y}{z}: the voxel at that offset from the cell's first corner, m = −1.
        float v000 = cell.C000, v100 = cell.C100, v010 = cell.C010, v110 = cell.C110;
        float v001 = cell.C001, v101 = cell.C101, v011 = cell.C011, v111 = cell.C111;
        float vm00 = volume.Voxel(i - 1), v200 = volume.Voxel(i + 2), vm10 = volume.Voxel(i + row - 1), v210 = volume.Voxel(i + row + 2);
        float vm01 = volume.Voxel(i + slice - 1), v201 = volume.Voxel(i + slice + 2);
        float vm11 = volume.Voxel(i + slice + row - 1), v211 = volume.Voxel(i + slice + row + 2);
        float v0m0 = volume.Voxel(i - row), v1m0 = volume.Voxel(i - row + 1), v020 = volume.Voxel(i + 2 * row), v120 = volume.Voxel(i + 2 * row + 1);
        float v0m1 = volume.Voxel(i + slice - row), v1m1 = volume.Voxel(i + slice - row + 1);
        float v021 = volume.Voxel(i + slice + 2 * row), v121 = volume.Voxel(i + slice + 2 * row + 1);
        float v00m = volume.Voxel(i - slice), v10m = volume.Voxel(i - slice + 1), v01m = volume.Voxel(i - slice + row), v11m = volume.Voxel(i - slice + row + 1);
        float v002 = volume.Voxel(i + 2 * slice), v102 = volume.Voxel(i + 2 * slice + 1);
        float v012 = volume.Voxel(i + 2 * slice + row), v112 = volume.Voxel(i + 2 * slice + row + 1);
        return new Float3(
            Trilinear(v100, v200, v110, v210, v101, v201, v111, v211, fx, fy, fz) - Trilinear(vm00, v000, vm10, v010, vm01, v001, vm11, v011, fx, fy, fz),
            Trilinear(v010, v110, v020, v120, v011, v111, v021, v121, fx, fy, fz) - Trilinear(v0m0, v1m0, v000, v100, v0m1, v1m1, v001, v101, fx, fy, fz),
            Trilinear(v001, v101, v011, v111, v002, v102, v012, v112, fx, fy, fz) - Trilinear(v00m, v10m, v01m, v11m, v000, v100, v010, v110, fx, fy, fz));
    }

    // Trilinear interpolation in one cell from its corners c{x}{y}{z}.
    internal static float Trilinear(float c000, float c100, float c010, float c110, float c001, float c101, float c011, float c111, float fx, float fy, float fz)
    {
        var c00 = c000 + (c100 - c000) * fx;
        var c10 = c010 + (c110 - c010) * fx;
        var c01 = c001 + (c101 - c001) * fx;
        var c11 = c011 + (c111 - c011) * fx;
        var c0 = c00 + (c10 - c00) * fy;
        var c1 = c01 + (c11 - c01) * fy;
        return c0 + (c1 - c0) * fz;
    }

    // x^n by squaring: ILGPU 1.5.3's PTX backend has no pow intrinsic, and Slicer's specular powers are whole numbers.
    private static float Power(float x, int n)
    {
        var result = 1f;
        for (; n > 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                result *= x;
            }
            x *= x;
        }
        return result;
    }

    private static uint ToByte(float v) => (uint)MathF.Min(MathF.Max(v * 255 + 0.5f, 0), 255);
}

/// <summary>
/// The corners C{x}{y}{z} of the trilinear cell around a sample (clamped to the volume), the sample's fractions in it and
/// the index of corner C000.
/// </summary>
internal struct Cell
{
    public int Index;
    public float C000, C100, C010, C110, C001, C101, C011, C111;
    public float Fx, Fy, Fz;

    /// <summary>The trilinear interpolation at the sample.</summary>
    public readonly float Value => RayCaster.Trilinear(C000, C100, C010, C110, C001, C101, C011, C111, Fx, Fy, Fz);

    /// <summary>The gradient of the trilinear interpolant at the sample, per voxel.</summary>
    public readonly Float3 Gradient => new(
        Lerp(Lerp(C100 - C000, C110 - C010, Fy), Lerp(C101 - C001, C111 - C011, Fy), Fz),
        Lerp(Lerp(C010 - C000, C110 - C100, Fx), Lerp(C011 - C001, C111 - C101, Fx), Fz),
        Lerp(Lerp(C001 - C000, C101 - C100, Fx), Lerp(C011 - C010, C111 - C110, Fx), Fy));

    private static float Lerp(float a, float b, float f) => a + (b - a) * f;
}
