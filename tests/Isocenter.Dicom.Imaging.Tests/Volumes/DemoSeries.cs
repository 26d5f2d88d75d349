using Isocenter.Cli.Demo;

namespace Isocenter.Dicom.Imaging.Tests.Volumes;

/// <summary>A synthetic CT series from the demo generator (axial, z decreasing with the instance number), written to a temporary folder.</summary>
internal sealed class DemoSeries : IDisposable
{
    public const double Thickness = 2.5;

    public DemoSeries(int slices, int size = 32, Action<int, DicomDataset>? edit = null)
    {
        Folder = Dcmtk.TempFolder();
        var generator = new SyntheticCtGenerator(new SyntheticCtOptions { Slices = slices, Size = size, SliceThickness = Thickness });
        PixelSpacing = generator.PixelSpacing;
        var paths = new List<string>();
        var index = 0;
        foreach (var instance in generator.Generate())
        {
            edit?.Invoke(index, instance.Dataset);
            var path = Path.Combine(Folder, $"{index + 1:D4}.dcm");
            new DicomFile(instance.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
            paths.Add(path);
            index++;
        }
        Paths = paths;
    }

    public string Folder { get; }

    /// <summary>Paths in instance order (head to feet).</summary>
    public IReadOnlyList<string> Paths { get; }

    public double PixelSpacing { get; }

    /// <summary>The paths in an order fixed by <paramref name="seed"/>.</summary>
    public string[] Shuffled(int seed)
    {
        var shuffled = Paths.ToArray();
        new Random(seed).Shuffle(shuffled);
        return shuffled;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
