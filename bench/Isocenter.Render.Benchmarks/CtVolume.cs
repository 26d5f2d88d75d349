using Isocenter.Cli.Demo;
using Isocenter.Dicom.Imaging.Volumes;
using Isocenter.Render.Kernels;

namespace Isocenter.Render.Benchmarks;

/// <summary>A CT-like volume in memory: the demo generator's torso phantom, one slice per z, over the trunk.</summary>
internal static class CtVolume
{
    /// <summary>size³ voxels: 360 mm field of view, slices spread over the phantom's trunk, head (superior) at the last slice.</summary>
    public static RenderVolume Create(int size)
    {
        var pixelSpacing = 360.0 / size;
        var sliceSpacing = CtPhantom.TrunkLength / size;
        var voxels = new short[size * size * size];
        Parallel.For(0, size, k =>
            CtPhantom.Render(voxels.AsSpan(k * size * size, size * size), size, pixelSpacing, (size - 1 - k) * sliceSpacing, (ulong)k + 1));
        var half = (size - 1) / 2.0 * pixelSpacing;
        var normal = new Vector3D(0, 0, 1);
        var geometry = new VolumeGeometry(size, size, size, new Vector3D(-half, -half, -(size - 1) * sliceSpacing), new Vector3D(1, 0, 0),
            new Vector3D(0, 1, 0), normal, pixelSpacing, pixelSpacing, sliceSpacing, normal * sliceSpacing);
        return new RenderVolume(geometry, voxels);
    }
}
