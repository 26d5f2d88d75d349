using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Render.Kernels.Tests;

/// <summary>Analytic test volumes: every voxel holds a function of its patient (LPS) position.</summary>
internal static class Phantom
{
    public static readonly Vector3D Left = new(1, 0, 0);
    public static readonly Vector3D Posterior = new(0, 1, 0);
    public static readonly Vector3D Superior = new(0, 0, 1);

    /// <summary>
    /// An axial-style volume centred on the patient origin: columns along <paramref name="rowDirection"/>, rows along
    /// <paramref name="columnDirection"/>, slices along their cross product.
    /// </summary>
    public static RenderVolume Create(
        int size,
        Func<Vector3D, double> value,
        double columnSpacing = 1,
        double rowSpacing = 1,
        double sliceSpacing = 1,
        Vector3D? rowDirection = null,
        Vector3D? columnDirection = null)
    {
        var row = rowDirection ?? Left;
        var column = columnDirection ?? Posterior;
        var normal = row.Cross(column);
        var half = (size - 1) / 2.0;
        var origin = new Vector3D(0, 0, 0) - row * (half * columnSpacing) - column * (half * rowSpacing) - normal * (half * sliceSpacing);
        var geometry = new VolumeGeometry(size, size, size, origin, row, column, normal, rowSpacing, columnSpacing, sliceSpacing, normal * sliceSpacing);
        var voxels = new short[size * size * size];
        for (var z = 0; z < size; z++)
        {
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    voxels[(z * size + y) * size + x] = (short)Math.Round(value(geometry.ToPatient(x, y, z)));
                }
            }
        }
        return new RenderVolume(geometry, voxels);
    }

    /// <summary><paramref name="inside"/> within <paramref name="radius"/> mm of <paramref name="center"/>, <paramref name="outside"/> elsewhere.</summary>
    public static Func<Vector3D, double> Sphere(Vector3D center, double radius, double inside, double outside) =>
        p => (p - center).Length <= radius ? inside : outside;

    /// <summary>The value at the pixel nearest to <paramref name="point"/> (in the camera plane) of a projection.</summary>
    public static float At(float[] values, VolumeCamera camera, Vector3D point)
    {
        var (x, y) = Pixel(camera, point);
        return values[y * camera.Width + x];
    }

    /// <summary>The pixel whose centre is nearest to the projection of <paramref name="point"/>.</summary>
    public static (int X, int Y) Pixel(VolumeCamera camera, Vector3D point)
    {
        var d = point - camera.Center;
        var x = (int)Math.Round(d.Dot(camera.Right) / camera.PixelSpacing + (camera.Width - 1) / 2.0);
        var y = (int)Math.Round(-d.Dot(camera.Up) / camera.PixelSpacing + (camera.Height - 1) / 2.0);
        return (x, y);
    }
}
