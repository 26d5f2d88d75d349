using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Render.Kernels;

/// <summary>
/// Renders volumes with ILGPU kernels on one accelerator: CUDA when a device is present, else ILGPU's CPU accelerator (the
/// same kernels on simulated GPU threads; slow, used by the tests). Kernels run on explicit 2D thread groups (8×8 on a GPU,
/// so a warp covers an 8×4 pixel tile, two of them a group) in one non-blocking stream. Not thread-safe: one caller at a time.
/// </summary>
public sealed class GpuVolumeRenderer : IDisposable
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly Index2D _group;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<int>, RayParams, ArrayView<float>, ArrayView<byte>> _project;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<int>, ArrayView<Rgba>, ArrayView<int>, RayParams, ArrayView<byte>> _composite;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<ushort>, ArrayView<uint>, int> _pairs;
    private MemoryBuffer1D<float, Stride1D.Dense>? _values;
    private MemoryBuffer1D<byte, Stride1D.Dense>? _grey;
    private MemoryBuffer1D<byte, Stride1D.Dense>? _rgb;
    // Page-locked host buffers the frames are copied into (grey or RGB, and modality values), reused from frame to frame.
    private PageLockedArray1D<byte>? _hostPixels;
    private PageLockedArray1D<float>? _hostValues;

    private GpuVolumeRenderer(Context context, Device device, int groupWidth, int groupHeight)
    {
        _context = context;
        _accelerator = device.CreateAccelerator(context);
        _stream = _accelerator.CreateStream();
        _group = _accelerator.MaxNumThreadsPerGroup >= groupWidth * groupHeight
            ? new Index2D(groupWidth, groupHeight)
            : new Index2D(4, Math.Max(1, _accelerator.MaxNumThreadsPerGroup / 4));
        _project = _accelerator.LoadKernel<ArrayView<uint>, ArrayView<int>, RayParams, ArrayView<float>, ArrayView<byte>>(ProjectKernel);
        _composite = _accelerator.LoadKernel<ArrayView<uint>, ArrayView<int>, ArrayView<Rgba>, ArrayView<int>, RayParams, ArrayView<byte>>(CompositeKernel);
        _pairs = _accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<ushort>, ArrayView<uint>, int>(PairKernel);
    }

    /// <summary>Which accelerator renders: CUDA or CPU.</summary>
    public AcceleratorType AcceleratorType => _accelerator.AcceleratorType;

    /// <summary>The accelerator's kind, device name and thread-group shape, e.g. "Cuda NVIDIA H100 80GB HBM3, groups of 8×8".</summary>
    public string Description => $"{_accelerator.AcceleratorType} {_accelerator.Name}, groups of {_group.X}×{_group.Y}";

    /// <summary>
    /// A renderer on the first CUDA device, or on ILGPU's CPU accelerator when there is none or <paramref name="cpu"/> is set;
    /// thread groups of <paramref name="groupWidth"/>×<paramref name="groupHeight"/> pixels where the accelerator allows.
    /// </summary>
    public static GpuVolumeRenderer Create(bool cpu = false, int groupWidth = 8, int groupHeight = 8)
    {
        var context = Context.Create(builder => builder.Cuda().CPU().Profiling().Optimize(OptimizationLevel.O2).Math(MathMode.Fast));
        try
        {
            var device = (cpu ? null : context.Devices.FirstOrDefault(d => d.AcceleratorType == AcceleratorType.Cuda)) ?? context.GetCPUDevice(0);
            return new GpuVolumeRenderer(context, device, groupWidth, groupHeight);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the voxels to the accelerator as voxel pairs (twice the voxels' memory) and the brick ranges; render from the
    /// result as often as needed.
    /// </summary>
    public GpuVolume Upload(RenderVolume volume)
    {
        using var voxels = _accelerator.Allocate1D(volume.Voxels);
        var pairs = _accelerator.Allocate1D<uint>(volume.Voxels.LongLength);
        _pairs(_stream, (int)volume.Voxels.LongLength, voxels.View.AsContiguous().Cast<ushort>(), pairs.View, volume.Geometry.Columns);
        _stream.Synchronize();
        return new GpuVolume(volume, _accelerator, pairs, _accelerator.Allocate1D(volume.BrickRanges));
    }

    /// <summary>
    /// Renders one frame and copies it back: 8-bit grey for projections, RGB for DVR (packed on the accelerator, copied through
    /// a reused page-locked buffer).
    /// </summary>
    public RenderedImage Render(GpuVolume volume, RenderRequest request)
    {
        Launch(volume, request, RayParams.Create(volume.Source, request));
        var c = request.Camera;
        var channels = request.Mode == RenderMode.Dvr ? 3 : 1;
        return new RenderedImage(c.Width, c.Height, channels, Read(channels == 3 ? _rgb! : _grey!, c.Width * c.Height * channels, ref _hostPixels));
    }

    /// <summary>The modality values of a projection or MPR (NaN where a ray misses the volume).</summary>
    public float[] Project(GpuVolume volume, RenderRequest request)
    {
        CpuVolumeRenderer.RequireProjection(request);
        Launch(volume, request, RayParams.Create(volume.Source, request));
        return Read(_values!, request.Camera.Width * request.Camera.Height, ref _hostValues);
    }

    /// <summary>Renders one frame without copying it back and returns the GPU time between stream markers around the kernel.</summary>
    public TimeSpan RenderTimed(GpuVolume volume, RenderRequest request)
    {
        var p = RayParams.Create(volume.Source, request);
        volume.Table(request.Preset, p.Step);
        using var start = _stream.AddProfilingMarker();
        Launch(volume, request, p);
        using var end = _stream.AddProfilingMarker();
        _stream.Synchronize();
        return end.MeasureFrom(start);
    }

    public void Dispose()
    {
        _values?.Dispose();
        _grey?.Dispose();
        _rgb?.Dispose();
        _hostPixels?.Dispose();
        _hostValues?.Dispose();
        _stream.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    private void Launch(GpuVolume volume, RenderRequest request, RayParams p)
    {
        var pixels = p.Width * p.Height;
        var config = new KernelConfig(new Index2D((p.Width + _group.X - 1) / _group.X, (p.Height + _group.Y - 1) / _group.Y), _group);
        if (request.Mode == RenderMode.Dvr)
        {
            var (colors, visible) = volume.Table(request.Preset, p.Step);
            Ensure(ref _rgb, 3 * pixels);
            _composite(_stream, config, volume.Pairs.View, volume.Bricks.View, colors.View, visible.View, p, _rgb!.View);
        }
        else
        {
            Ensure(ref _values, pixels);
            Ensure(ref _grey, pixels);
            _project(_stream, config, volume.Pairs.View, volume.Bricks.View, p, _values!.View, _grey!.View);
        }
    }

    private void Ensure<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, int length)
        where T : unmanaged
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = _accelerator.Allocate1D<T>(length);
        }
    }

    // The first length elements of buffer, through the page-locked host buffer (grown when too short) into a new array.
    private T[] Read<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer, int length, ref PageLockedArray1D<T>? host)
        where T : unmanaged
    {
        if (host is null || host.Length < length)
        {
            host?.Dispose();
            host = _accelerator.AllocatePageLocked1D<T>(length, uninitialized: true);
        }
        buffer.View.SubView(0, length).CopyTo(_stream, host.ArrayView.SubView(0, length));
        _stream.Synchronize();
        var result = GC.AllocateUninitializedArray<T>(length);
        host.Span[..length].CopyTo(result);
        return result;
    }

    // Pair i: the stored values + 2¹⁵ (their bits with the sign flipped, as uint16) of voxel i in the low half and of the
    // next voxel along the row in the high half (voxel i again at the end of a row), so a trilinear cell is four loads.
    private static void PairKernel(Index1D index, ArrayView<ushort> voxels, ArrayView<uint> pairs, int columns)
    {
        var i = index.X;
        var next = i % columns < columns - 1 ? i + 1 : i;
        pairs[i] = (voxels[i] ^ 0x8000u) | ((voxels[next] ^ 0x8000u) << 16);
    }

    private static void ProjectKernel(ArrayView<uint> pairs, ArrayView<int> bricks, RayParams p, ArrayView<float> values, ArrayView<byte> grey)
    {
        var x = Grid.IdxX * Group.DimX + Group.IdxX;
        var y = Grid.IdxY * Group.DimY + Group.IdxY;
        if (x < p.Width && y < p.Height)
        {
            var value = RayCaster.Project(new DeviceVolume(pairs, bricks), p, x, y);
            values[y * p.Width + x] = value;
            grey[y * p.Width + x] = RayCaster.Grey(value, p);
        }
    }

    private static void CompositeKernel(ArrayView<uint> pairs, ArrayView<int> bricks, ArrayView<Rgba> colors, ArrayView<int> visible, RayParams p, ArrayView<byte> rgb)
    {
        var x = Grid.IdxX * Group.DimX + Group.IdxX;
        var y = Grid.IdxY * Group.DimY + Group.IdxY;
        if (x < p.Width && y < p.Height)
        {
            var pixel = RayCaster.Composite(new DeviceVolume(pairs, bricks), new DeviceTable(colors, visible), p, x, y);
            var i = 3 * (y * p.Width + x);
            rgb[i] = (byte)pixel;
            rgb[i + 1] = (byte)(pixel >> 8);
            rgb[i + 2] = (byte)(pixel >> 16);
        }
    }

    // Voxels from their pairs, converted without a conversion instruction (quarter rate on NVIDIA GPUs): the float with the
    // bits of 2²³ + (stored + 2¹⁵), minus 2²³ + 2¹⁵, is exactly the stored value.
    private readonly struct DeviceVolume(ArrayView<uint> pairs, ArrayView<int> bricks) : IVolumeData
    {
        public float Voxel(int index) => Value(pairs[index] & 0xFFFF);

        public void Corners(ref Cell cell, int row, int slice)
        {
            var a = pairs[cell.Index];
            var b = pairs[cell.Index + row];
            var c = pairs[cell.Index + slice];
            var d = pairs[cell.Index + slice + row];
            cell.C000 = Value(a & 0xFFFF);
            cell.C100 = Value(a >> 16);
            cell.C010 = Value(b & 0xFFFF);
            cell.C110 = Value(b >> 16);
            cell.C001 = Value(c & 0xFFFF);
            cell.C101 = Value(c >> 16);
            cell.C011 = Value(d & 0xFFFF);
            cell.C111 = Value(d >> 16);
        }

        public int BrickRange(int index) => bricks[index];

        private static float Value(uint biased) => BitConverter.Int32BitsToSingle((int)(0x4B000000 | biased)) - 8421376f;
    }

    private readonly struct DeviceTable(ArrayView<Rgba> colors, ArrayView<int> visible) : ITransferTable
    {
        public Rgba Color(int index) => colors[index];

        public int Visible(int index) => visible[index];
    }
}

/// <summary>A volume in accelerator memory, with the transfer-function tables built for it so far. Dispose to free it.</summary>
public sealed class GpuVolume : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly Dictionary<(TransferFunction, float), (MemoryBuffer1D<Rgba, Stride1D.Dense>, MemoryBuffer1D<int, Stride1D.Dense>)> _tables = [];

    internal GpuVolume(RenderVolume source, Accelerator accelerator, MemoryBuffer1D<uint, Stride1D.Dense> pairs, MemoryBuffer1D<int, Stride1D.Dense> bricks)
    {
        Source = source;
        _accelerator = accelerator;
        Pairs = pairs;
        Bricks = bricks;
    }

    /// <summary>The volume on the host.</summary>
    public RenderVolume Source { get; }

    /// <summary>Accelerator memory the voxels and brick ranges take (the transfer-function tables add 80 KiB each).</summary>
    public long Bytes => Pairs.LengthInBytes + Bricks.LengthInBytes;

    /// <summary>Per voxel, its stored value and the next one along the row (see <c>GpuVolumeRenderer.PairKernel</c>).</summary>
    internal MemoryBuffer1D<uint, Stride1D.Dense> Pairs { get; }
    internal MemoryBuffer1D<int, Stride1D.Dense> Bricks { get; }

    /// <summary>The table of <paramref name="preset"/> for this volume's value range and <paramref name="step"/>, uploaded on first use.</summary>
    internal (MemoryBuffer1D<Rgba, Stride1D.Dense> Colors, MemoryBuffer1D<int, Stride1D.Dense> Visible) Table(TransferFunction preset, float step)
    {
        if (!_tables.TryGetValue((preset, step), out var table))
        {
            var (colors, visible) = preset.BuildTable(Source.MinValue, Source.MaxValue, step);
            table = (_accelerator.Allocate1D(colors), _accelerator.Allocate1D(visible));
            _tables.Add((preset, step), table);
        }
        return table;
    }

    public void Dispose()
    {
        foreach (var (colors, visible) in _tables.Values)
        {
            colors.Dispose();
            visible.Dispose();
        }
        Pairs.Dispose();
        Bricks.Dispose();
    }
}
