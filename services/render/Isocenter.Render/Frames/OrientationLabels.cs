using System.Text;
using Isocenter.Dicom.Imaging.Volumes;
using Isocenter.Render.Kernels;

namespace Isocenter.Render.Frames;

/// <summary>
/// The patient directions at the four edges of an image (L/R, A/P, H/F): the main direction first, then any other that
/// makes up at least a quarter of it (an oblique view's "LA"), as viewers print them beside the image.
/// </summary>
public sealed record OrientationLabels(string Top, string Right, string Bottom, string Left)
{
    /// <summary>The labels of <paramref name="camera"/>'s image.</summary>
    public static OrientationLabels Of(VolumeCamera camera) =>
        new(Label(camera.Up), Label(camera.Right), Label(camera.Up * -1), Label(camera.Right * -1));

    /// <summary>As a header value: <c>top=H;right=L;bottom=F;left=R</c>.</summary>
    public override string ToString() => $"top={Top};right={Right};bottom={Bottom};left={Left}";

    // The letters of a direction in LPS: +x left, +y posterior, +z head.
    private static string Label(Vector3D d)
    {
        (double Weight, char Letter)[] axes = [(d.X, d.X >= 0 ? 'L' : 'R'), (d.Y, d.Y >= 0 ? 'P' : 'A'), (d.Z, d.Z >= 0 ? 'H' : 'F')];
        var ordered = axes.Select(a => (Weight: Math.Abs(a.Weight), a.Letter)).OrderByDescending(a => a.Weight).ToArray();
        var label = new StringBuilder().Append(ordered[0].Letter);
        foreach (var (weight, letter) in ordered.Skip(1))
        {
            if (weight >= 0.25 * ordered[0].Weight)
            {
                label.Append(letter);
            }
        }
        return label.ToString();
    }
}
