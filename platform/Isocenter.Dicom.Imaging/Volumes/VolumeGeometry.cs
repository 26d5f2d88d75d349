namespace Isocenter.Dicom.Imaging.Volumes;

/// <summary>
/// Where the voxels of a volume lie in patient coordinates (LPS, millimetres). Voxel (column, row, slice) is at
/// <c>Origin + column · ColumnSpacing · RowDirection + row · RowSpacing · ColumnDirection + slice · SliceStep</c>.
/// </summary>
/// <param name="Columns">Voxels along a row (x, fastest in the buffer).</param>
/// <param name="Rows">Voxels along a column (y).</param>
/// <param name="Slices">Slices (z, slowest), sorted along <paramref name="Normal"/>.</param>
/// <param name="Origin">Centre of the first voxel: Image Position (Patient) of the first slice.</param>
/// <param name="RowDirection">Unit direction of increasing column index (Image Orientation (Patient) values 1–3).</param>
/// <param name="ColumnDirection">Unit direction of increasing row index (values 4–6).</param>
/// <param name="Normal">Row direction × column direction; slice index grows along it.</param>
/// <param name="RowSpacing">Distance between adjacent rows (Pixel Spacing value 1).</param>
/// <param name="ColumnSpacing">Distance between adjacent columns (Pixel Spacing value 2).</param>
/// <param name="SliceSpacing">Distance between adjacent slices along the normal, from the positions (not Slice Thickness).</param>
/// <param name="SliceStep">
/// From one slice's position to the next. Parallel to the normal, of length <paramref name="SliceSpacing"/>, except for a
/// sheared stack such as a gantry-tilted CT, where it also moves in-plane: the affine stays exact, its third column is not
/// orthogonal to the first two.
/// </param>
public sealed record VolumeGeometry(
    int Columns,
    int Rows,
    int Slices,
    Vector3D Origin,
    Vector3D RowDirection,
    Vector3D ColumnDirection,
    Vector3D Normal,
    double RowSpacing,
    double ColumnSpacing,
    double SliceSpacing,
    Vector3D SliceStep)
{
    /// <summary>The patient coordinates of voxel (<paramref name="column"/>, <paramref name="row"/>, <paramref name="slice"/>); fractional indices interpolate.</summary>
    public Vector3D ToPatient(double column, double row, double slice) =>
        Origin + RowDirection * (column * ColumnSpacing) + ColumnDirection * (row * RowSpacing) + SliceStep * slice;

    /// <summary>
    /// The 4×4 voxel → patient (LPS) affine, row-major, for column vectors (column, row, slice, 1): its columns are the
    /// row direction × column spacing, the column direction × row spacing, the slice step and the origin.
    /// </summary>
    public double[] VoxelToPatient()
    {
        var x = RowDirection * ColumnSpacing;
        var y = ColumnDirection * RowSpacing;
        return
        [
            x.X, y.X, SliceStep.X, Origin.X,
            x.Y, y.Y, SliceStep.Y, Origin.Y,
            x.Z, y.Z, SliceStep.Z, Origin.Z,
            0, 0, 0, 1,
        ];
    }

    /// <summary>Angle in degrees between the slice step and the normal: 0 for an orthogonal stack, the tilt for a gantry-tilted one.</summary>
    public double ShearDegrees => Math.Acos(Math.Clamp(SliceStep.Dot(Normal) / SliceStep.Length, -1, 1)) * 180 / Math.PI;
}
