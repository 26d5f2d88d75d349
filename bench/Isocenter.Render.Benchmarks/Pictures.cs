using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Png;
using Isocenter.Dicom.Imaging.Volumes;
using Isocenter.Render.Kernels;

namespace Isocenter.Render.Benchmarks;

/// <summary>Renders a series from a folder with every preset, MIP and MPR from the front (and an axial MPR) into PNGs, on the CPU.</summary>
internal static class Pictures
{
    public static void Run(string series, string output, int image)
    {
        var paths = Directory.EnumerateFiles(series, "*.dcm", SearchOption.AllDirectories).ToList();
        var volume = RenderVolume.FromDicom(DicomVolumeLoader.Load(paths, DicomCodecRegistry.CreateDefault()));
        var g = volume.Geometry;
        Console.WriteLine($"{paths.Count} files → {g.Columns}×{g.Rows}×{g.Slices}, spacing {g.ColumnSpacing:0.###}×{g.RowSpacing:0.###}×{g.SliceSpacing:0.###} mm");
        Directory.CreateDirectory(output);
        var anterior = VolumeCamera.Anterior(g, image, image);
        var frames = TransferFunction.Presets.Select(p => ($"anterior-{p.Name}", new RenderRequest(anterior, RenderMode.Dvr) { Preset = p }))
            .Append(("anterior-mip", new RenderRequest(anterior, RenderMode.Mip) { WindowCenter = 300, WindowWidth = 1500 }))
            .Append(("coronal-mpr", new RenderRequest(anterior, RenderMode.Average) { SlabThickness = 0 }))
            .Append(("axial-mpr-slab10", new RenderRequest(VolumeCamera.Axial(g, image, image).Moved(-60), RenderMode.Average) { SlabThickness = 10 }));
        foreach (var (name, request) in frames)
        {
            var path = Path.Combine(output, name + ".png");
            using var file = File.Create(path);
            PngEncoder.Write(CpuVolumeRenderer.Render(volume, request), file, System.IO.Compression.CompressionLevel.SmallestSize);
            Console.WriteLine(path);
        }
    }
}
