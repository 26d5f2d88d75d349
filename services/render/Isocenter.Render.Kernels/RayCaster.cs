namespace Isocenter.Render.Kernels;

/// <summary>Voxels and brick ranges, from a device buffer or a managed array.</summary>
internal interface IVolumeData
{
    short Voxel(int index);

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
        var min = p.Mode == (int)RenderMode.MinIp;
        var acc = max ? float.MinValue : min ? float.MaxValue : 0f;
        var brickEnd = float.MinValue;
        for (var k = first; k <= last; k++)
        {
            var t = k * p.Step;
            var pos = o + p.Direction * t;
            if ((max || min) && t >= brickEnd)
            {
                // A brick that cannot raise the maximum (or lower the minimum) is skipped whole.
                var range = volume.BrickRange(BrickIndex(p, pos));
                var exit = BrickExit(p, pos, t);
                if ((max && (short)(range >> 16) <= acc) || (min && (short)range >= acc))
                {
                    k = SkipTo(k, last, exit, p.Step);
                    continue;
                }
                brickEnd = exit;
            }
            var s = Sample(volume, p, pos.X, pos.Y, pos.Z);
            acc = max ? MathF.Max(acc, s) : min ? MathF.Min(acc, s) : acc + s;
        }
        if (!max && !min)
        {
            acc /= last - first + 1;
        }
        return acc * p.Slope + p.Intercept;
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
                var c = table.Color(TableIndex(p, Sample(volume, p, pos.X, pos.Y, pos.Z) * p.Slope + p.Intercept));
                if (c.A <= 0)
                {
                    continue;
                }
                var shade = Shade(volume, p, pos);
                var w = (1 - a) * c.A;
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
        var i = (iz * p.Rows + iy) * p.Columns + ix;
        // Eight loads, hand-unrolled (ILGPU 1.5.3 does not unroll loops).
        float v000 = volume.Voxel(i), v100 = volume.Voxel(i + 1);
        float v010 = volume.Voxel(i + row), v110 = volume.Voxel(i + row + 1);
        float v001 = volume.Voxel(i + slice), v101 = volume.Voxel(i + slice + 1);
        float v011 = volume.Voxel(i + slice + row), v111 = volume.Voxel(i + slice + row + 1);
        var c00 = v000 + (v100 - v000) * fx;
        var c10 = v010 + (v110 - v010) * fx;
        var c01 = v001 + (v101 - v001) * fx;
        var c11 = v011 + (v111 - v011) * fx;
        var c0 = c00 + (c10 - c00) * fy;
        var c1 = c01 + (c11 - c01) * fy;
        return c0 + (c1 - c0) * fz;
    }

    /// <summary>
    /// The sample range [<paramref name="first"/>, <paramref name="last"/>] (t = k · step) of the ray from <paramref name="o"/>
    /// inside both the volume's voxel-centre box and [Near, Far]; false when empty.
    /// </summary>
    public static bool Clip(in RayParams p, Float3 o, out int first, out int last)
    {
        var near = p.Near;
        var far = p.Far;
        ClipAxis(o.X, p.Direction.X, p.Columns - 1, ref near, ref far);
        ClipAxis(o.Y, p.Direction.Y, p.Rows - 1, ref near, ref far);
        ClipAxis(o.Z, p.Direction.Z, p.Slices - 1, ref near, ref far);
        first = (int)MathF.Ceiling(near / p.Step);
        last = (int)MathF.Floor(far / p.Step);
        return near <= far && first <= last;
    }

    private static void ClipAxis(float o, float d, float max, ref float near, ref float far)
    {
        // A small margin keeps rays that run exactly along a face of the box inside it despite rounding.
        const float margin = 1e-4f;
        if (MathF.Abs(d) < 1e-9f)
        {
            if (o < -margin || o > max + margin)
            {
                far = float.MinValue;
            }
            return;
        }
        var t0 = (-margin - o) / d;
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

    // (diffuse + ambient factor for the colour, specular term) from the central-difference gradient and a headlight.
    private static Float3 Shade<TVolume>(in TVolume volume, in RayParams p, Float3 pos)
        where TVolume : struct, IVolumeData
    {
        var gx = Sample(volume, p, pos.X + 1, pos.Y, pos.Z) - Sample(volume, p, pos.X - 1, pos.Y, pos.Z);
        var gy = Sample(volume, p, pos.X, pos.Y + 1, pos.Z) - Sample(volume, p, pos.X, pos.Y - 1, pos.Z);
        var gz = Sample(volume, p, pos.X, pos.Y, pos.Z + 1) - Sample(volume, p, pos.X, pos.Y, pos.Z - 1);
        var voxel = new Float3(gx, gy, gz);
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
