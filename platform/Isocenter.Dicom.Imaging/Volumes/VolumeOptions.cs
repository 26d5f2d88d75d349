namespace Isocenter.Dicom.Imaging.Volumes;

/// <summary>How strictly <see cref="VolumeLayout.Create"/> checks that slices make one regular volume.</summary>
public sealed record VolumeOptions
{
    /// <summary>The defaults: 1 % spacing tolerance, 1e-4 orientation tolerance.</summary>
    public static VolumeOptions Default { get; } = new();

    /// <summary>
    /// How far, relative to the median slice spacing, a spacing may differ from it (and a position from the line through the
    /// first and last slices) before the series is refused; a spacing within this fraction of zero is a duplicate position.
    /// </summary>
    public double SpacingTolerance { get; init; } = 0.01;

    /// <summary>The largest difference between direction cosines of two slices that still counts as the same orientation.</summary>
    public double OrientationTolerance { get; init; } = 1e-4;
}
