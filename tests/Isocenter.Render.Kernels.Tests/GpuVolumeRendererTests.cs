using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Render.Kernels.Tests;

/// <summary>The ILGPU kernels on ILGPU's CPU accelerator (CI has no GPU) against the CPU renderer.</summary>
public sealed class GpuVolumeRendererTests : IClassFixture<GpuVolumeRendererTests.Accelerated>
{
    private readonly Accelerated _gpu;

    public GpuVolumeRendererTests(Accelerated gpu) => _gpu = gpu;

    [Fact]
    public void Create_Cpu_UsesIlgpuCpuAccelerator() => Assert.StartsWith("CPU", _gpu.Renderer.Description, StringComparison.Ordinal);

    [Theory]
    [InlineData(RenderMode.Mip, null)]
    [InlineData(RenderMode.MinIp, null)]
    [InlineData(RenderMode.Average, null)]
    [InlineData(RenderMode.Mip, 0.0)]
    [InlineData(RenderMode.Mip, 12.0)]
    [InlineData(RenderMode.Average, 12.0)]
    public void Project_EachMode_MatchesCpuRenderer(RenderMode mode, double? slab)
    {
        // An odd-sized, obliquely viewed image: partial thread groups and partial SIMD packets.
        var request = new RenderRequest(VolumeCamera.Orbit(_gpu.Source.Geometry, 35, 45, 37), mode) { SlabThickness = slab };

        var expected = CpuVolumeRenderer.Project(_gpu.Source, request);
        var actual = _gpu.Renderer.Project(_gpu.Volume, request);

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : Math.Abs(expected[i] - actual[i]) <= 0.5,
                $"Pixel {i}: kernel {actual[i]}, CPU {expected[i]}.");
        }
        Assert.Equal(CpuVolumeRenderer.Render(_gpu.Source, request).Pixels, _gpu.Renderer.Render(_gpu.Volume, request).Pixels);
    }

    [Theory]
    [InlineData(RenderMode.Mip)]
    [InlineData(RenderMode.Dvr)]
    public void Render_ClipBoxAndPlane_MatchesCpuRenderer(RenderMode mode)
    {
        var request = new RenderRequest(VolumeCamera.Orbit(_gpu.Source.Geometry, 35, 45, 37), mode)
        {
            Clip = new ClipBox(new Vector3D(0.1, 0.2, 0.3), new Vector3D(0.8, 0.9, 0.7)),
            Plane = new ClipPlane(new Vector3D(1, 2, 0), new Vector3D(0.6, 0.8, 0)),
        };

        var expected = CpuVolumeRenderer.Render(_gpu.Source, request);
        var actual = _gpu.Renderer.Render(_gpu.Volume, request);

        var worst = expected.Pixels.Zip(actual.Pixels, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1, $"Largest difference {worst} grey levels.");
        Assert.NotEqual(CpuVolumeRenderer.Render(_gpu.Source, request with { Clip = null, Plane = null }).Pixels, expected.Pixels);
    }

    [Theory]
    [InlineData("ct-bone", 0.02)]
    [InlineData("ct-soft-tissue", 0.02)]
    [InlineData("ct-lung", 0.02)]
    [InlineData("ct-angio", 0.02)]
    [InlineData("mr-default", 0.02)]
    [InlineData("ct-bone", 0.0)]
    [InlineData("ct-bone", 1.0)]
    public void Render_DvrPreset_MatchesCpuRenderer(string preset, double centralDifferenceWeight)
    {
        var request = new RenderRequest(VolumeCamera.Orbit(_gpu.Source.Geometry, 35, 45, 37), RenderMode.Dvr)
        {
            Preset = TransferFunction.Presets.Single(p => p.Name == preset),
            CentralDifferenceWeight = centralDifferenceWeight,
        };

        var expected = CpuVolumeRenderer.Render(_gpu.Source, request);
        var actual = _gpu.Renderer.Render(_gpu.Volume, request);

        Assert.Equal(expected.Pixels.Length, actual.Pixels.Length);
        var worst = expected.Pixels.Zip(actual.Pixels, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1, $"Largest difference {worst} grey levels.");
        Assert.Contains(expected.Pixels, v => v > 40);
    }

    /// <summary>One CPU-accelerator renderer and a small CT-like phantom for the whole class.</summary>
    public sealed class Accelerated : IDisposable
    {
        public Accelerated()
        {
            // Air around a soft-tissue body (40 HU) holding an air-filled lung, a contrast vessel (250 HU) and a bone (900 HU).
            Source = Phantom.Create(40, p =>
                (p - new Vector3D(4, 2, 0)).Length < 5 ? 900
                : Math.Abs(p.X + 6) < 2.5 && Math.Abs(p.Y) < 2.5 ? 250
                : (p - new Vector3D(-8, -4, 4)).Length < 6 ? -800
                : p.X * p.X + p.Y * p.Y < 16 * 16 ? 40 + 3 * p.Z
                : -1000, columnSpacing: 0.9, rowSpacing: 0.9, sliceSpacing: 1.2);
            Renderer = GpuVolumeRenderer.Create(cpu: true);
            Volume = Renderer.Upload(Source);
        }

        public RenderVolume Source { get; }
        public GpuVolumeRenderer Renderer { get; }
        public GpuVolume Volume { get; }

        public void Dispose()
        {
            Volume.Dispose();
            Renderer.Dispose();
        }
    }
}
