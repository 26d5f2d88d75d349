using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Render.Kernels.Tests;

/// <summary>The demo CT series written as DICOM files, loaded with <see cref="DicomVolumeLoader"/>, rendered.</summary>
public sealed class DemoSeriesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-render-").FullName;

    [Fact]
    public void Project_DemoCtCoronalMpr_ContrastFilledHeartOnImageRight()
    {
        var generator = new SyntheticCtGenerator(new SyntheticCtOptions { Slices = 40, Size = 64, SliceThickness = 10 });
        var paths = generator.Generate().Select((instance, i) =>
        {
            var path = Path.Combine(_folder, $"{i:D4}.dcm");
            new DicomFile(instance.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
            return path;
        }).ToList();
        var volume = RenderVolume.FromDicom(DicomVolumeLoader.Load(paths, DicomCodecRegistry.CreateDefault()));
        var camera = VolumeCamera.Anterior(volume.Geometry, 64, 64);

        var values = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, RenderMode.Average) { SlabThickness = 0 });

        // The phantom's contrast-filled chamber (260 HU) sits in the patient's left chest: image right, upper half.
        var contrast = Enumerable.Range(0, values.Length).Where(i => values[i] is > 230 and < 290).ToList();
        Assert.True(contrast.Count > 20, $"Only {contrast.Count} contrast pixels.");
        var right = contrast.Count(i => i % 64 >= 32);
        Assert.True(right > 2 * (contrast.Count - right), $"{right} contrast pixels on the image's right, {contrast.Count - right} on its left.");
        Assert.True(contrast.Average(i => i / 64) < 32, $"Contrast centred at row {contrast.Average(i => i / 64):0.#} of 64.");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
