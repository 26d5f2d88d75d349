using ILGPU.Runtime;
using Isocenter.Dicom.Imaging.Rendering;
using Isocenter.Render.Kernels;

namespace Isocenter.Render.Frames;

/// <summary>
/// The renderer behind the service, one per process: the ILGPU kernels on one accelerator, or the SIMD CPU renderer. Frames
/// are rendered one at a time (a GPU frame takes milliseconds and the CPU renderer uses every core), in arrival order.
/// </summary>
public abstract class FrameRenderer : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Which renderer this is, e.g. "Cuda NVIDIA H100 80GB HBM3, groups of 8×4" or "CPU (SIMD renderer, 16 threads…)".</summary>
    public abstract string Description { get; }

    /// <summary>True when frames are rendered on a GPU.</summary>
    public abstract bool IsGpu { get; }

    /// <summary>The renderer <paramref name="accelerator"/> asks for; <see cref="RenderAccelerator.Cuda"/> without a device throws.</summary>
    public static FrameRenderer Create(RenderAccelerator accelerator)
    {
        if (accelerator is RenderAccelerator.Cpu)
        {
            return new CpuFrameRenderer();
        }
        var gpu = GpuVolumeRenderer.Create(cpu: accelerator is RenderAccelerator.IlgpuCpu);
        if (gpu.AcceleratorType == AcceleratorType.Cuda || accelerator is RenderAccelerator.IlgpuCpu)
        {
            return new GpuFrameRenderer(gpu);
        }
        gpu.Dispose();
        return accelerator is RenderAccelerator.Cuda
            ? throw new InvalidOperationException("Render:Accelerator is Cuda but ILGPU finds no CUDA device. Check the GPU, its driver and the container's device access, or set Render:Accelerator to Auto or Cpu.")
            : new CpuFrameRenderer();
    }

    /// <summary>Makes a loaded volume renderable (with CUDA: copies it to GPU memory); <see cref="Release"/> frees it.</summary>
    public async Task<PreparedVolume> PrepareAsync(RenderVolume volume, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Prepare(volume);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Renders one frame of <paramref name="volume"/>, after the frames asked for before it.</summary>
    public async Task<RenderedImage> RenderAsync(PreparedVolume volume, RenderRequest request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(volume.IsDisposed, volume);
            return Render(volume, request);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Frees <paramref name="volume"/> between frames (accelerator memory is freed on the thread discipline of rendering).</summary>
    public void Release(PreparedVolume volume)
    {
        _gate.Wait();
        try
        {
            volume.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Makes a volume renderable; called one at a time, between frames.</summary>
    protected abstract PreparedVolume Prepare(RenderVolume volume);

    /// <summary>Renders one frame; called one at a time.</summary>
    protected abstract RenderedImage Render(PreparedVolume volume, RenderRequest request);

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }
    }
}

/// <summary>A volume a <see cref="FrameRenderer"/> can render, and the memory it holds there.</summary>
public abstract class PreparedVolume(RenderVolume source) : IDisposable
{
    /// <summary>The volume on the host.</summary>
    public RenderVolume Source { get; } = source;

    /// <summary>Bytes the volume takes on the renderer (voxels and brick ranges).</summary>
    public abstract long Bytes { get; }

    /// <summary>True once freed.</summary>
    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (!IsDisposed)
        {
            IsDisposed = true;
            Free();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what the renderer holds.</summary>
    protected abstract void Free();
}

/// <summary>The ILGPU kernels on CUDA (or, for tests, on ILGPU's CPU accelerator).</summary>
internal sealed class GpuFrameRenderer(GpuVolumeRenderer renderer) : FrameRenderer
{
    public override string Description => renderer.Description;

    public override bool IsGpu => renderer.AcceleratorType == AcceleratorType.Cuda;

    protected override PreparedVolume Prepare(RenderVolume volume) => new Uploaded(renderer.Upload(volume));

    protected override RenderedImage Render(PreparedVolume volume, RenderRequest request) => renderer.Render(((Uploaded)volume).Volume, request);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            renderer.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed class Uploaded(GpuVolume volume) : PreparedVolume(volume.Source)
    {
        public GpuVolume Volume { get; } = volume;

        public override long Bytes => Volume.Bytes;

        protected override void Free() => Volume.Dispose();
    }
}

/// <summary>The multi-threaded SIMD CPU renderer: the volume stays in host memory.</summary>
internal sealed class CpuFrameRenderer : FrameRenderer
{
    public override string Description =>
        $"CPU (SIMD renderer, {Environment.ProcessorCount} threads, Vector<float> of {System.Numerics.Vector<float>.Count})";

    public override bool IsGpu => false;

    protected override PreparedVolume Prepare(RenderVolume volume) => new Hosted(volume);

    protected override RenderedImage Render(PreparedVolume volume, RenderRequest request) => CpuVolumeRenderer.Render(volume.Source, request);

    private sealed class Hosted(RenderVolume volume) : PreparedVolume(volume)
    {
        public override long Bytes { get; } = volume.Voxels.LongLength * sizeof(short) + volume.BrickRanges.LongLength * sizeof(int);

        protected override void Free()
        {
        }
    }
}
