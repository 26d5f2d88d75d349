using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Render.Kernels;

/// <summary>
/// An orthographic view in patient coordinates (LPS, millimetres): the image plane passes through <paramref name="Center"/>
/// (the centre of the image), its columns advance along <paramref name="Right"/> and its rows along −<paramref name="Up"/>;
/// rays travel along <see cref="Forward"/> = Up × Right. Pixels are square, <paramref name="PixelSpacing"/> mm apart. For MPR
/// the plane is the slice (a slab extends either side of it).
/// </summary>
public sealed record VolumeCamera(Vector3D Center, Vector3D Right, Vector3D Up, double PixelSpacing, int Width, int Height)
{
    /// <summary>The viewing direction (into the image).</summary>
    public Vector3D Forward => Up.Cross(Right);

    /// <summary>
    /// Looking at the patient's front (coronal plane, rays from anterior to posterior): the patient's left on the image's
    /// right, head up. The whole volume fits the image.
    /// </summary>
    public static VolumeCamera Anterior(VolumeGeometry geometry, int width, int height) =>
        Fit(geometry, new Vector3D(1, 0, 0), new Vector3D(0, 0, 1), width, height);

    /// <summary>Axial plane seen from the feet (radiological convention): patient's left on the right, anterior up.</summary>
    public static VolumeCamera Axial(VolumeGeometry geometry, int width, int height) =>
        Fit(geometry, new Vector3D(1, 0, 0), new Vector3D(0, -1, 0), width, height);

    /// <summary>Sagittal plane seen from the patient's left: anterior on the left, head up.</summary>
    public static VolumeCamera Sagittal(VolumeGeometry geometry, int width, int height) =>
        Fit(geometry, new Vector3D(0, 1, 0), new Vector3D(0, 0, 1), width, height);

    /// <summary>
    /// The anterior view turned by <paramref name="degrees"/> about the patient's head–foot axis (90°: seen from the
    /// patient's left), with a pixel spacing that fits the volume at every angle.
    /// </summary>
    public static VolumeCamera Orbit(VolumeGeometry geometry, double degrees, int width, int height)
    {
        var (corner, extent) = Bounds(geometry);
        var radians = degrees * Math.PI / 180;
        var horizontal = Math.Sqrt(extent.X * extent.X + extent.Y * extent.Y);
        var spacing = Math.Max(horizontal / width, extent.Z / height);
        return new VolumeCamera(corner + extent * 0.5, new Vector3D(Math.Cos(radians), Math.Sin(radians), 0), new Vector3D(0, 0, 1), spacing, width, height);
    }

    /// <summary>
    /// The anterior view turned by <paramref name="azimuth"/> degrees about the patient's head–foot axis (90°: seen from the
    /// patient's left), then raised by <paramref name="elevation"/> degrees (90°: seen from above the head, posterior up), with a
    /// pixel spacing that fits the volume's bounding sphere, so turning never changes the scale.
    /// </summary>
    public static VolumeCamera Orbit(VolumeGeometry geometry, double azimuth, double elevation, int width, int height)
    {
        var (corner, extent) = Bounds(geometry);
        double a = azimuth * Math.PI / 180, e = elevation * Math.PI / 180;
        var right = new Vector3D(Math.Cos(a), Math.Sin(a), 0);
        var level = new Vector3D(-Math.Sin(a), Math.Cos(a), 0); // the view direction before raising
        var up = new Vector3D(0, 0, 1) * Math.Cos(e) + level * Math.Sin(e);
        return new VolumeCamera(corner + extent * 0.5, right, up, extent.Length / Math.Min(width, height), width, height);
    }

    /// <summary>A view of the whole volume through its centre with the given plane axes (unit, orthogonal).</summary>
    public static VolumeCamera Fit(VolumeGeometry geometry, Vector3D right, Vector3D up, int width, int height)
    {
        var (corner, extent) = Bounds(geometry);
        var across = Math.Abs(extent.X * right.X) + Math.Abs(extent.Y * right.Y) + Math.Abs(extent.Z * right.Z);
        var down = Math.Abs(extent.X * up.X) + Math.Abs(extent.Y * up.Y) + Math.Abs(extent.Z * up.Z);
        return new VolumeCamera(corner + extent * 0.5, right, up, Math.Max(across / width, down / height), width, height);
    }

    /// <summary>This camera with its plane moved <paramref name="millimetres"/> along <see cref="Forward"/> (MPR scrolling).</summary>
    public VolumeCamera Moved(double millimetres) => this with { Center = Center + Forward * millimetres };

    /// <summary>How far (mm) the plane can move along <see cref="Forward"/> either way from its centre and still cut the volume.</summary>
    public double Reach(VolumeGeometry geometry) => Corners(geometry).Max(p => Math.Abs((p - Center).Dot(Forward)));

    // The axis-aligned box (LPS) around the voxel centres: its lowest corner and its size.
    private static (Vector3D Corner, Vector3D Extent) Bounds(VolumeGeometry g)
    {
        var corners = Corners(g);
        var corner = new Vector3D(corners.Min(p => p.X), corners.Min(p => p.Y), corners.Min(p => p.Z));
        return (corner, new Vector3D(corners.Max(p => p.X), corners.Max(p => p.Y), corners.Max(p => p.Z)) - corner);
    }

    // The centres of the volume's eight corner voxels, in patient coordinates.
    private static Vector3D[] Corners(VolumeGeometry g) =>
        [.. Enumerable.Range(0, 8).Select(i => g.ToPatient((i & 1) * (g.Columns - 1), ((i >> 1) & 1) * (g.Rows - 1), (i >> 2) * (g.Slices - 1)))];
}
