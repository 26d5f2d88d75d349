using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Render.Kernels;

/// <summary>A single-precision 3-vector for kernel code.</summary>
internal readonly struct Float3(float x, float y, float z)
{
    public readonly float X = x;
    public readonly float Y = y;
    public readonly float Z = z;

    public static Float3 operator +(Float3 a, Float3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Float3 operator *(Float3 a, float s) => new(a.X * s, a.Y * s, a.Z * s);

    public float Dot(Float3 b) => X * b.X + Y * b.Y + Z * b.Z;
}

/// <summary>A transfer-function table entry: colour and step-corrected opacity.</summary>
internal readonly struct Rgba(float r, float g, float b, float a)
{
    public readonly float R = r;
    public readonly float G = g;
    public readonly float B = b;
    public readonly float A = a;
}

/// <summary>
/// Everything a kernel needs about one frame, in voxel coordinates: the camera mapped through the inverse of the volume's
/// voxel → patient affine, so anisotropic spacing, oblique orientation and gantry shear cost nothing per sample.
/// </summary>
internal struct RayParams
{
    public Float3 Origin;      // voxel coordinates of pixel (0, 0) on the camera plane
    public Float3 PixelX;      // voxel step per pixel to the right
    public Float3 PixelY;      // voxel step per pixel down
    public Float3 Direction;   // voxel step per millimetre along the view
    public Float3 GradientX;   // rows of the inverse-transpose affine: voxel-space gradient → patient-space gradient
    public Float3 GradientY;
    public Float3 GradientZ;
    public Float3 Light;       // unit, patient space, towards the viewer (headlight)
    public int Width;
    public int Height;
    public int Columns;
    public int Rows;
    public int Slices;
    public int BricksX;
    public int BricksY;
    public int BricksZ;
    public float Near;         // ray extent along the view in mm, before clipping to the volume
    public float Far;
    public float Step;         // mm between samples
    public float Slope;
    public float Intercept;
    public float TableMin;     // modality value of table entry 0
    public float TableScale;   // table entries per modality unit
    public float Ambient;
    public float Diffuse;
    public float Specular;
    public int SpecularPower;
    public float CentralDifferenceWeight; // DVR: lighter samples are lit with their trilinear cell's gradient
    public float WindowLow;    // projections: modality value mapped to grey 0
    public float WindowScale;  // grey levels per modality unit
    public int Mode;           // RenderMode
    public Float3 ClipLow;     // voxel coordinates of the clip box (the voxel-centre box when unclipped)
    public Float3 ClipHigh;
    public Float3 PlaneNormal; // clip plane in voxel coordinates: samples v with PlaneNormal · v > PlaneOffset are cut
    public float PlaneOffset;  // float.MaxValue: no plane

    public static RayParams Create(RenderVolume volume, RenderRequest request)
    {
        var g = volume.Geometry;
        var c = request.Camera;
        var inverse = Invert(g.RowDirection * g.ColumnSpacing, g.ColumnDirection * g.RowSpacing, g.SliceStep);
        Float3 Map(Vector3D v) => new((float)inverse[0].Dot(v), (float)inverse[1].Dot(v), (float)inverse[2].Dot(v));
        var corner = c.Center - c.Right * (c.PixelSpacing * (c.Width - 1) / 2) + c.Up * (c.PixelSpacing * (c.Height - 1) / 2);
        var half = request.SlabThickness is { } slab ? (float)(slab / 2) : float.MaxValue;
        var step = request.Step ?? Math.Min(Math.Min(g.ColumnSpacing, g.RowSpacing), g.SliceSpacing) / 2;
        var preset = request.Preset;
        var light = c.Forward * -1;
        var box = request.Clip ?? ClipBox.All;
        if (!(box.Low.X <= box.High.X && box.Low.Y <= box.High.Y && box.Low.Z <= box.High.Z))
        {
            throw new ArgumentException($"The clip box's low corner {box.Low} is not below its high corner {box.High} on every axis.", nameof(request));
        }
        var last = new Vector3D(g.Columns - 1, g.Rows - 1, g.Slices - 1);
        Float3 Fraction(Vector3D f) =>
            new((float)(Math.Clamp(f.X, 0, 1) * last.X), (float)(Math.Clamp(f.Y, 0, 1) * last.Y), (float)(Math.Clamp(f.Z, 0, 1) * last.Z));
        // (p − point) · n > 0 with p = origin + A v: (Aᵀ n) · v > (point − origin) · n.
        var plane = request.Plane;
        var axes = (Column: g.RowDirection * g.ColumnSpacing, Row: g.ColumnDirection * g.RowSpacing, Slice: g.SliceStep);
        return new RayParams
        {
            Origin = Map(corner - g.Origin),
            PixelX = Map(c.Right * c.PixelSpacing),
            PixelY = Map(c.Up * -c.PixelSpacing),
            Direction = Map(c.Forward),
            // The patient-space gradient is inverse^T · voxel gradient: its rows are the columns of the inverse.
            GradientX = new((float)inverse[0].X, (float)inverse[1].X, (float)inverse[2].X),
            GradientY = new((float)inverse[0].Y, (float)inverse[1].Y, (float)inverse[2].Y),
            GradientZ = new((float)inverse[0].Z, (float)inverse[1].Z, (float)inverse[2].Z),
            Light = new((float)light.X, (float)light.Y, (float)light.Z),
            Width = c.Width,
            Height = c.Height,
            Columns = g.Columns,
            Rows = g.Rows,
            Slices = g.Slices,
            BricksX = volume.BricksX,
            BricksY = volume.BricksY,
            BricksZ = volume.BricksZ,
            Near = -half,
            Far = half,
            Step = (float)step,
            Slope = volume.Slope,
            Intercept = volume.Intercept,
            TableMin = volume.MinValue,
            TableScale = volume.MaxValue > volume.MinValue ? (TransferFunction.TableSize - 1) / (volume.MaxValue - volume.MinValue) : 0,
            Ambient = (float)preset.Ambient,
            Diffuse = (float)preset.Diffuse,
            Specular = (float)preset.Specular,
            SpecularPower = (int)Math.Round(preset.SpecularPower),
            CentralDifferenceWeight = (float)request.CentralDifferenceWeight,
            WindowLow = (float)(request.WindowCenter - request.WindowWidth / 2),
            WindowScale = (float)(255 / Math.Max(request.WindowWidth, 1e-6)),
            Mode = (int)request.Mode,
            ClipLow = Fraction(box.Low),
            ClipHigh = Fraction(box.High),
            PlaneNormal = plane is null ? default : new((float)axes.Column.Dot(plane.Normal), (float)axes.Row.Dot(plane.Normal), (float)axes.Slice.Dot(plane.Normal)),
            PlaneOffset = plane is null ? float.MaxValue : (float)(plane.Point - g.Origin).Dot(plane.Normal),
        };
    }

    // Rows of the inverse of the 3×3 matrix with columns a, b, c.
    private static Vector3D[] Invert(Vector3D a, Vector3D b, Vector3D c)
    {
        var determinant = a.Dot(b.Cross(c));
        if (Math.Abs(determinant) < 1e-12)
        {
            throw new ArgumentException("The volume's voxel → patient affine is singular.");
        }
        var scale = 1 / determinant;
        return [b.Cross(c) * scale, c.Cross(a) * scale, a.Cross(b) * scale];
    }
}
