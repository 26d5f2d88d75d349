using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Render.Kernels;

/// <summary>How samples along a ray become a pixel.</summary>
public enum RenderMode
{
    /// <summary>Maximum intensity projection (or thick-slab MIP).</summary>
    Mip,

    /// <summary>Minimum intensity projection.</summary>
    MinIp,

    /// <summary>Mean of the samples (ray sum / thick-slab average).</summary>
    Average,

    /// <summary>Shaded direct volume rendering through <see cref="RenderRequest.Preset"/>.</summary>
    Dvr,
}

/// <summary>
/// One frame to render. Projections (MIP, MinIP, average) give modality values mapped to 8-bit grey through
/// <see cref="WindowCenter"/>/<see cref="WindowWidth"/>; DVR gives RGB. With <see cref="SlabThickness"/> a projection is an
/// MPR: 0 samples the camera plane alone, a positive thickness projects a slab centred on it.
/// </summary>
public sealed record RenderRequest(VolumeCamera Camera, RenderMode Mode)
{
    /// <summary>Transfer function for <see cref="RenderMode.Dvr"/>.</summary>
    public TransferFunction Preset { get; init; } = TransferFunction.CtBone;

    /// <summary>Millimetres of the slab centred on the camera plane; null projects the whole volume.</summary>
    public double? SlabThickness { get; init; }

    /// <summary>Distance between samples along a ray in mm; null: half the smallest voxel spacing.</summary>
    public double? Step { get; init; }

    /// <summary>
    /// DVR: the weight (1 − α)·a in the pixel from which a sample is lit with the central-difference gradient (32 voxels);
    /// lighter samples, deep in translucent tissue, take the gradient of their own trilinear cell (no further loads). 0 lights
    /// every sample with central differences, the reference image.
    /// </summary>
    public double CentralDifferenceWeight { get; init; } = 0.02;

    public double WindowCenter { get; init; } = 40;
    public double WindowWidth { get; init; } = 400;

    /// <summary>Only the part of the volume inside this box is rendered; null keeps the whole volume.</summary>
    public ClipBox? Clip { get; init; }

    /// <summary>The volume is cut by this plane and only the half-space behind it is rendered; null cuts nothing.</summary>
    public ClipPlane? Plane { get; init; }
}

/// <summary>
/// A box aligned with the volume's axes, as fractions of its extent along columns, rows and slices (0 is the centre of the
/// first voxel, 1 of the last); for an axial CT that is right→left, anterior→posterior and along the slices.
/// </summary>
public sealed record ClipBox(Vector3D Low, Vector3D High)
{
    /// <summary>The whole volume.</summary>
    public static ClipBox All { get; } = new(new Vector3D(0, 0, 0), new Vector3D(1, 1, 1));
}

/// <summary>A cutting plane in patient coordinates (LPS, mm): points p with (p − Point) · Normal &gt; 0 are cut away.</summary>
public sealed record ClipPlane(Vector3D Point, Vector3D Normal);
