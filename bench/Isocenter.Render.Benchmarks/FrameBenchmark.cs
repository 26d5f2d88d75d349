using System.Diagnostics;
using System.Globalization;
using ILGPU.Runtime;
using Isocenter.Render.Kernels;

namespace Isocenter.Render.Benchmarks;

/// <summary>
/// GPU time per frame (stream markers around the kernel) over a camera orbit, p50/p95, for shaded DVR, MIP and MPR; the
/// same frames through the CPU renderer on the same machine (fewer of them); and how far the two images differ.
/// </summary>
internal static class FrameBenchmark
{
    public static void Run(int size, int image, int frames, int cpuFrames)
    {
        var clock = Stopwatch.StartNew();
        var volume = CtVolume.Create(size);
        Console.WriteLine($"volume {size}³ int16 CT phantom, {volume.BricksX}×{volume.BricksY}×{volume.BricksZ} bricks: built in {clock.ElapsedMilliseconds} ms");
        using var gpu = GpuVolumeRenderer.Create();
        Console.WriteLine($"accelerator: {gpu.Description}; CPU renderer: {Environment.ProcessorCount} threads, Vector<float> of {System.Numerics.Vector<float>.Count}");
        if (gpu.AcceleratorType != AcceleratorType.Cuda)
        {
            Console.WriteLine("no CUDA device: the kernels run on ILGPU's CPU accelerator (figures are not GPU figures)");
        }
        clock.Restart();
        using var device = gpu.Upload(volume);
        Console.WriteLine($"upload: {clock.ElapsedMilliseconds} ms");

        var g = volume.Geometry;
        (string Name, Func<double, RenderRequest> Frame)[] scenarios =
        [
            ("DVR ct-bone", a => new RenderRequest(VolumeCamera.Orbit(g, a, image, image), RenderMode.Dvr) { Preset = TransferFunction.CtBone }),
            ("DVR ct-bone, central differences for every sample", a =>
                new RenderRequest(VolumeCamera.Orbit(g, a, image, image), RenderMode.Dvr) { Preset = TransferFunction.CtBone, CentralDifferenceWeight = 0 }),
            ("DVR ct-soft-tissue", a => new RenderRequest(VolumeCamera.Orbit(g, a, image, image), RenderMode.Dvr) { Preset = TransferFunction.CtSoftTissue }),
            ("DVR ct-lung", a => new RenderRequest(VolumeCamera.Orbit(g, a, image, image), RenderMode.Dvr) { Preset = TransferFunction.CtLung }),
            ("MIP", a => new RenderRequest(VolumeCamera.Orbit(g, a, image, image), RenderMode.Mip)),
            ("MPR thin (oblique plane)", a => new RenderRequest(VolumeCamera.Orbit(g, a, image, image), RenderMode.Average) { SlabThickness = 0 }),
            ("MPR 20 mm MIP slab", a => new RenderRequest(VolumeCamera.Orbit(g, a, image, image), RenderMode.Mip) { SlabThickness = 20 }),
        ];
        var rows = new List<string>();
        foreach (var (name, frame) in scenarios)
        {
            for (var i = 0; i < 3; i++)
            {
                gpu.RenderTimed(device, frame(i));
            }
            var kernel = Enumerable.Range(0, frames).Select(i => gpu.RenderTimed(device, frame(i * 360.0 / frames)).TotalMilliseconds).ToArray();
            var readback = Enumerable.Range(0, Math.Max(1, frames / 10)).Select(i => Time(() => gpu.Render(device, frame(i * 36.0)))).ToArray();
            var cpu = Enumerable.Range(0, cpuFrames).Select(i => Time(() => CpuVolumeRenderer.Render(volume, frame(i * 360.0 / cpuFrames)))).ToArray();
            var a = gpu.Render(device, frame(30)).Pixels;
            var b = CpuVolumeRenderer.Render(volume, frame(30)).Pixels;
            var diff = a.Zip(b, (x, y) => Math.Abs(x - y)).ToArray();
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Percentile(kernel, 50):0.000} | {Percentile(kernel, 95):0.000} | {Percentile(readback, 50):0.00} | {Percentile(cpu, 50):0.0} | {Percentile(cpu, 50) / Percentile(kernel, 50):0.#} | {diff.Max()} / {diff.Average():0.000} |");
            Console.WriteLine(row);
            rows.Add(row);
        }
        Console.WriteLine();
        Console.WriteLine($"{size}³ → {image}², GPU: {frames} frames over a 360° orbit (3 warm-up), CPU: {cpuFrames} frames");
        Console.WriteLine("| frame | GPU p50 ms | GPU p95 ms | GPU + readback p50 ms | CPU p50 ms | CPU/GPU | GPU vs CPU image: max / mean abs diff (0–255) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
    }

    /// <summary>GPU p50/p95 of shaded DVR (CT bone) and MIP for several thread-group shapes.</summary>
    public static void CompareGroups(int size, int image, int frames)
    {
        var volume = CtVolume.Create(size);
        var g = volume.Geometry;
        Console.WriteLine($"{size}³ → {image}², {frames} frames over a 360° orbit per shape");
        Console.WriteLine("| group | DVR ct-bone p50 / p95 ms | MIP p50 / p95 ms |");
        Console.WriteLine("|---|---|---|");
        foreach (var (width, height) in new[] { (16, 8), (8, 8), (8, 4), (32, 4), (32, 8), (16, 16) })
        {
            using var gpu = GpuVolumeRenderer.Create(groupWidth: width, groupHeight: height);
            using var device = gpu.Upload(volume);
            string Measure(RenderMode mode)
            {
                var times = Enumerable.Range(-3, frames + 3)
                    .Select(i => gpu.RenderTimed(device, new RenderRequest(VolumeCamera.Orbit(g, i * 360.0 / frames, image, image), mode)).TotalMilliseconds)
                    .Skip(3).ToArray();
                return string.Create(CultureInfo.InvariantCulture, $"{Percentile(times, 50):0.000} / {Percentile(times, 95):0.000}");
            }
            Console.WriteLine($"| {width}×{height} | {Measure(RenderMode.Dvr)} | {Measure(RenderMode.Mip)} |");
        }
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Percentile(double[] values, double percent)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(percent / 100 * sorted.Length) - 1)];
    }
}
