using Isocenter.Dicom.Imaging.Volumes;
using Isocenter.Render.Frames;

namespace Isocenter.Render.Volumes;

/// <summary>A series made into a renderable volume, with what its headers say about displaying it.</summary>
/// <param name="Key">The series.</param>
/// <param name="Volume">The volume on the renderer.</param>
/// <param name="Modality">Modality (0008,0060), e.g. CT or MR; empty when absent.</param>
/// <param name="WindowCenter">Window Center (0028,1050) of the middle slice, else the middle of the value range.</param>
/// <param name="WindowWidth">Window Width (0028,1051) of the middle slice, else the value range.</param>
public sealed record SeriesVolume(SeriesKey Key, PreparedVolume Volume, string Modality, double WindowCenter, double WindowWidth)
{
    /// <summary>The volume's voxel grid and its mapping to patient coordinates.</summary>
    public VolumeGeometry Geometry => Volume.Source.Geometry;
}
