using System.Globalization;
using Isocenter.Dicom.Imaging.Volumes;
using Isocenter.Render.Kernels;
using Isocenter.Render.Volumes;
using Microsoft.Extensions.Primitives;

namespace Isocenter.Render.Frames;

/// <summary>What a frame shows: a 3D view of the volume, or a slice (MPR).</summary>
public enum FrameKind
{
    /// <summary>DVR or a projection of the whole (clipped) volume, from a camera orbiting the patient.</summary>
    Volume,

    /// <summary>A plane through the volume, thin or a slab.</summary>
    Mpr,
}

/// <summary>The plane of an MPR.</summary>
public enum MprPlane
{
    /// <summary>Seen from the feet: patient's left on the image's right, anterior up.</summary>
    Axial,

    /// <summary>Seen from the front: patient's left on the image's right, head up.</summary>
    Coronal,

    /// <summary>Seen from the patient's left: anterior on the left, head up.</summary>
    Sagittal,

    /// <summary>Perpendicular to a given normal; head (or anterior) up.</summary>
    Oblique,
}

/// <summary>
/// The parameters of a frame as the HTTP query (or a session's message) gives them, checked: <c>size=WxH</c>,
/// <c>format=jpeg|png</c>, <c>quality</c>, <c>mode=dvr|mip|minip|average</c>, <c>preset</c>, <c>window=C,W</c>, <c>zoom</c>,
/// <c>pan=X,Y</c> (mm), <c>clip=X0,X1,Y0,Y1,Z0,Z1</c> (fractions of the volume), <c>cut=Px,Py,Pz,Nx,Ny,Nz</c> (a plane, mm);
/// for 3D <c>azimuth</c> and <c>elevation</c> (degrees); for MPR <c>plane=axial|coronal|sagittal|oblique</c>,
/// <c>normal=X,Y,Z</c>, <c>offset</c> (mm from the centre along the view) and <c>slab</c> (mm). Anything else is refused.
/// </summary>
public sealed record FrameParameters
{
    private static readonly HashSet<string> Common = ["size", "format", "quality", "mode", "preset", "window", "zoom", "pan", "clip", "cut"];
    private static readonly HashSet<string> VolumeOnly = ["azimuth", "elevation"];
    private static readonly HashSet<string> MprOnly = ["plane", "normal", "offset", "slab"];

    public FrameKind Kind { get; init; }
    public int Width { get; init; } = 512;
    public int Height { get; init; } = 512;
    public bool Png { get; init; }
    public int Quality { get; init; } = 90;

    /// <summary>Null: DVR for 3D, MIP for a slab.</summary>
    public RenderMode? Mode { get; init; }

    /// <summary>Null: by the series' modality (MR → mr-default, else ct-bone).</summary>
    public TransferFunction? Preset { get; init; }

    /// <summary>Null: the series' own window.</summary>
    public (double Center, double Width)? Window { get; init; }

    public double Zoom { get; init; } = 1;
    public double PanX { get; init; }
    public double PanY { get; init; }
    public ClipBox? Clip { get; init; }
    public ClipPlane? Cut { get; init; }
    public double Azimuth { get; init; }
    public double Elevation { get; init; }
    public MprPlane Plane { get; init; } = MprPlane.Axial;
    public Vector3D? Normal { get; init; }
    public double Offset { get; init; }
    public double Slab { get; init; }

    /// <summary>The parameters of <paramref name="query"/>; throws <see cref="RenderException"/> (400) naming the first bad one.</summary>
    public static FrameParameters Parse(FrameKind kind, IEnumerable<KeyValuePair<string, StringValues>> query, int maxSize)
    {
        var p = new FrameParameters { Kind = kind };
        foreach (var (name, values) in query)
        {
            var key = name.ToLowerInvariant();
            if (!Common.Contains(key) && !(kind == FrameKind.Volume ? VolumeOnly : MprOnly).Contains(key))
            {
                throw RenderException.BadRequest($"Unknown parameter '{name}' for a {(kind == FrameKind.Volume ? "3D view" : "slice (MPR)")}; "
                    + $"known: {string.Join(", ", Common.Concat(kind == FrameKind.Volume ? VolumeOnly : MprOnly))}.");
            }
            if (values.Count != 1)
            {
                throw RenderException.BadRequest($"Parameter '{name}' is given {values.Count} times; give it once.");
            }
            p = p.With(key, values[0] ?? "", maxSize);
        }
        if (kind == FrameKind.Mpr && p.Plane == MprPlane.Oblique && p.Normal is null)
        {
            throw RenderException.BadRequest("plane=oblique needs normal=X,Y,Z (the plane's normal in patient coordinates, LPS).");
        }
        return p;
    }

    /// <summary>
    /// The render request for <paramref name="volume"/>: the camera fitted to it, then zoomed and panned; the image scaled by
    /// <paramref name="scale"/> (a session's interactive frames).
    /// </summary>
    public RenderRequest ToRequest(SeriesVolume volume, double scale = 1)
    {
        var width = Math.Max(16, (int)Math.Round(Width * scale));
        var height = Math.Max(16, (int)Math.Round(Height * scale));
        var g = volume.Geometry;
        var camera = Kind == FrameKind.Volume ? VolumeCamera.Orbit(g, Azimuth, Elevation, width, height) : MprCamera(g, width, height);
        camera = camera with
        {
            PixelSpacing = camera.PixelSpacing / Zoom,
            Center = camera.Center + camera.Right * PanX + camera.Up * PanY,
        };
        var mode = Mode ?? (Kind == FrameKind.Volume ? RenderMode.Dvr : RenderMode.Mip);
        var (center, window) = Window ?? (volume.WindowCenter, volume.WindowWidth);
        return new RenderRequest(camera, mode)
        {
            Preset = Preset ?? (volume.Modality == "MR" ? TransferFunction.MrDefault : TransferFunction.CtBone),
            SlabThickness = Kind == FrameKind.Mpr ? Slab : null,
            WindowCenter = center,
            WindowWidth = window,
            Clip = Clip,
            Plane = Cut,
        };
    }

    private VolumeCamera MprCamera(VolumeGeometry g, int width, int height)
    {
        var camera = Plane switch
        {
            MprPlane.Axial => VolumeCamera.Axial(g, width, height),
            MprPlane.Coronal => VolumeCamera.Anterior(g, width, height),
            MprPlane.Sagittal => VolumeCamera.Sagittal(g, width, height),
            _ => Oblique(g, Normal!.Value.Normalize(), width, height),
        };
        return camera.Moved(Offset);
    }

    // Rays along the normal; head up, or anterior up when the normal is nearly head–foot.
    private static VolumeCamera Oblique(VolumeGeometry g, Vector3D forward, int width, int height)
    {
        var head = new Vector3D(0, 0, 1);
        var reference = Math.Abs(forward.Dot(head)) > 0.9 ? new Vector3D(0, -1, 0) : head;
        var up = (reference - forward * forward.Dot(reference)).Normalize();
        return VolumeCamera.Fit(g, forward.Cross(up), up, width, height);
    }

    private FrameParameters With(string key, string value, int maxSize) => key switch
    {
        "size" => Size(value, maxSize),
        "format" => value.ToLowerInvariant() switch
        {
            "jpeg" or "jpg" => this with { Png = false },
            "png" => this with { Png = true },
            _ => throw RenderException.BadRequest($"format '{value}' is not jpeg or png."),
        },
        "quality" => this with { Quality = (int)Number(key, value, 1, 100) },
        "mode" => this with
        {
            Mode = value.ToLowerInvariant() switch
            {
                "dvr" when Kind == FrameKind.Volume => RenderMode.Dvr,
                "mip" => RenderMode.Mip,
                "minip" => RenderMode.MinIp,
                "average" => RenderMode.Average,
                _ => throw RenderException.BadRequest($"mode '{value}' is not {(Kind == FrameKind.Volume ? "dvr, " : "")}mip, minip or average."),
            },
        },
        "preset" => this with
        {
            Preset = TransferFunction.Presets.FirstOrDefault(t => t.Name.Equals(value, StringComparison.OrdinalIgnoreCase))
                ?? throw RenderException.BadRequest($"preset '{value}' is not one of {string.Join(", ", TransferFunction.Presets.Select(t => t.Name))}."),
        },
        "window" => Numbers(key, value, 2) is [var c, var w] && w > 0 ? this with { Window = (c, w) }
            : throw RenderException.BadRequest($"window '{value}': the width must be positive."),
        "zoom" => this with { Zoom = Number(key, value, 0.05, 50) },
        "pan" => Numbers(key, value, 2) is [var x, var y] ? this with { PanX = x, PanY = y } : this,
        "clip" => Numbers(key, value, 6) is [var x0, var x1, var y0, var y1, var z0, var z1] && x0 < x1 && y0 < y1 && z0 < z1
            ? this with { Clip = new ClipBox(new Vector3D(x0, y0, z0), new Vector3D(x1, y1, z1)) }
            : throw RenderException.BadRequest($"clip '{value}': give X0,X1,Y0,Y1,Z0,Z1 as fractions of the volume with each low below its high."),
        "cut" => Numbers(key, value, 6) is [var px, var py, var pz, var nx, var ny, var nz] && new Vector3D(nx, ny, nz).Length > 1e-9
            ? this with { Cut = new ClipPlane(new Vector3D(px, py, pz), new Vector3D(nx, ny, nz).Normalize()) }
            : throw RenderException.BadRequest($"cut '{value}': give a point and a non-zero normal, Px,Py,Pz,Nx,Ny,Nz (mm, LPS)."),
        "azimuth" => this with { Azimuth = Number(key, value, -3600, 3600) },
        "elevation" => this with { Elevation = Number(key, value, -90, 90) },
        "plane" => this with
        {
            Plane = Enum.TryParse<MprPlane>(value, ignoreCase: true, out var plane) && Enum.IsDefined(plane)
                ? plane : throw RenderException.BadRequest($"plane '{value}' is not axial, coronal, sagittal or oblique."),
        },
        "normal" => Numbers(key, value, 3) is [var x, var y, var z] && new Vector3D(x, y, z).Length > 1e-9
            ? this with { Normal = new Vector3D(x, y, z) }
            : throw RenderException.BadRequest($"normal '{value}' must be three numbers, not all zero."),
        "offset" => this with { Offset = Number(key, value, -10000, 10000) },
        _ => this with { Slab = Number(key, value, 0, 10000) },
    };

    private FrameParameters Size(string value, int maxSize)
    {
        var parts = value.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && w is >= 16 && h >= 16 && w <= maxSize && h <= maxSize)
        {
            return this with { Width = w, Height = h };
        }
        throw RenderException.BadRequest($"size '{value}' must be WIDTHxHEIGHT, each from 16 to {maxSize} pixels.");
    }

    private static double Number(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw RenderException.BadRequest($"{name} '{value}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");

    private static double[] Numbers(string name, string value, int count)
    {
        var parts = value.Split(',');
        var numbers = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
            {
                throw RenderException.BadRequest($"{name} '{value}': '{parts[i]}' is not a number.");
            }
        }
        return numbers.Length == count ? numbers : throw RenderException.BadRequest($"{name} '{value}' must be {count} comma-separated numbers.");
    }
}
