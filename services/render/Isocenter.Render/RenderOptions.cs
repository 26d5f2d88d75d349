namespace Isocenter.Render;

/// <summary>Which renderer the service uses.</summary>
public enum RenderAccelerator
{
    /// <summary>CUDA when a device is present, else the SIMD CPU renderer.</summary>
    Auto,

    /// <summary>CUDA; the service does not start without a device.</summary>
    Cuda,

    /// <summary>The multi-threaded SIMD CPU renderer (the production fallback).</summary>
    Cpu,

    /// <summary>The ILGPU kernels on ILGPU's CPU accelerator: the GPU code path without a GPU, for tests (slow).</summary>
    IlgpuCpu,
}

/// <summary>The <c>Render</c> section of the configuration.</summary>
public sealed class RenderOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Render";

    /// <summary>Which renderer to use.</summary>
    public RenderAccelerator Accelerator { get; set; } = RenderAccelerator.Auto;

    /// <summary>Memory the cached volumes may take on the renderer (GPU memory with CUDA), in MiB; least recently used go first.</summary>
    public int CacheBudgetMiB { get; set; } = 8192;

    /// <summary>Objects of a series read from the object store at once while a volume loads.</summary>
    public int LoadConcurrency { get; set; } = 8;

    /// <summary>The largest image side, in pixels.</summary>
    public int MaxImageSize { get; set; } = 2048;

    /// <summary>WebSocket sessions the instance holds at once; more are refused with 503.</summary>
    public int MaxSessions { get; set; } = 64;

    /// <summary>A session's frames while the user drags: this fraction of the requested size.</summary>
    public double InteractiveScale { get; set; } = 0.5;

    /// <summary>JPEG quality of the frames while the user drags.</summary>
    public int InteractiveQuality { get; set; } = 70;

    /// <summary>After the last interactive request, how long a session waits for another before it renders at full size.</summary>
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(150);
}
