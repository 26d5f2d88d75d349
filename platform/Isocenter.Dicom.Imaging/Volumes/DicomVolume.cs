namespace Isocenter.Dicom.Imaging.Volumes;

/// <summary>
/// A 3D volume of modality values (Rescale Slope/Intercept applied, e.g. Hounsfield units) in one contiguous buffer,
/// column fastest, then row, then slice: voxel (x, y, z) is at <c>(z · Rows + y) · Columns + x</c>.
/// </summary>
public sealed class DicomVolume
{
    internal DicomVolume(VolumeLayout layout, short[]? int16, float[]? float32)
    {
        Layout = layout;
        Int16Voxels = int16;
        Float32Voxels = float32;
    }

    /// <summary>The slices in volume order and the geometry.</summary>
    public VolumeLayout Layout { get; }

    /// <summary>Voxel grid and voxel → patient mapping.</summary>
    public VolumeGeometry Geometry => Layout.Geometry;

    /// <summary>
    /// <c>short</c> when every slice's Rescale Slope and Intercept are integers and every rescaled value fits in 16 signed bits
    /// (<see cref="Int16Voxels"/> holds the voxels), else <c>float</c> (<see cref="Float32Voxels"/>).
    /// </summary>
    public Type VoxelType => Int16Voxels is null ? typeof(float) : typeof(short);

    /// <summary>The voxels when they fit 16 signed bits exactly, else null.</summary>
    public short[]? Int16Voxels { get; }

    /// <summary>The voxels when they do not fit 16 signed bits exactly, else null.</summary>
    public float[]? Float32Voxels { get; }

    /// <summary>The modality value of voxel (<paramref name="column"/>, <paramref name="row"/>, <paramref name="slice"/>).</summary>
    public float this[int column, int row, int slice]
    {
        get
        {
            var g = Geometry;
            if ((uint)column >= (uint)g.Columns || (uint)row >= (uint)g.Rows || (uint)slice >= (uint)g.Slices)
            {
                throw new ArgumentOutOfRangeException(nameof(column), $"({column}, {row}, {slice}) is outside {g.Columns}×{g.Rows}×{g.Slices}.");
            }
            var index = ((long)slice * g.Rows + row) * g.Columns + column;
            return Int16Voxels is { } int16 ? int16[index] : Float32Voxels![index];
        }
    }
}
