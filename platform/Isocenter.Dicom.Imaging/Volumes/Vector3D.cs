using System.Globalization;

namespace Isocenter.Dicom.Imaging.Volumes;

/// <summary>A point or direction in patient coordinates (LPS, millimetres), in double precision.</summary>
public readonly record struct Vector3D(double X, double Y, double Z)
{
    /// <summary>Euclidean length.</summary>
    public double Length => Math.Sqrt(Dot(this));

    public static Vector3D operator +(Vector3D a, Vector3D b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vector3D operator -(Vector3D a, Vector3D b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vector3D operator *(Vector3D a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    /// <summary>Dot product.</summary>
    public double Dot(Vector3D other) => X * other.X + Y * other.Y + Z * other.Z;

    /// <summary>Cross product (this × <paramref name="other"/>).</summary>
    public Vector3D Cross(Vector3D other) => new(Y * other.Z - Z * other.Y, Z * other.X - X * other.Z, X * other.Y - Y * other.X);

    /// <summary>This direction scaled to unit length.</summary>
    public Vector3D Normalize() => this * (1 / Length);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({X:0.####}, {Y:0.####}, {Z:0.####})");
}
