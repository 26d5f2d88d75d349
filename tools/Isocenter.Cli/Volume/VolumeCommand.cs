using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Cli.Volume;

/// <summary>
/// `isocenter volume PATH... [--raw OUT]`: assembles the instances (files, or every file under a folder but hidden ones) into a volume and
/// prints its geometry; --raw writes the voxels (little-endian int16 or float32, x fastest) for other tools.
/// </summary>
internal static class VolumeCommand
{
    public const string Usage = "volume PATH... [--raw OUT]";

    public static int Run(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        string? raw = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--raw" && i + 1 < args.Count)
            {
                raw = args[++i];
            }
            else if (Directory.Exists(args[i]))
            {
                paths.AddRange(Directory.EnumerateFiles(args[i], "*", SearchOption.AllDirectories)
                    .Where(path => !Path.GetFileName(path).StartsWith('.')).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(args[i]))
            {
                paths.Add(args[i]);
            }
            else
            {
                Console.Error.WriteLine($"isocenter volume: no such file or folder '{args[i]}'\nusage: isocenter {Usage}");
                return 2;
            }
        }
        var clock = Stopwatch.StartNew();
        var volume = DicomVolumeLoader.Load(paths, DicomCodecRegistry.CreateDefault(), cancellationToken: cancellationToken);
        var elapsed = clock.Elapsed;
        var g = volume.Geometry;
        var affine = g.VoxelToPatient();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {g.Columns}×{g.Rows}×{g.Slices} voxels of {volume.VoxelType.Name}, {g.ColumnSpacing:0.####} × {g.RowSpacing:0.####} × {g.SliceSpacing:0.####} mm, loaded in {elapsed.TotalSeconds:F2} s
            row direction {g.RowDirection}, column direction {g.ColumnDirection}, normal {g.Normal}, shear {g.ShearDegrees:0.##}°
            first slice {volume.Layout.Slices[0].Name} at {g.Origin}, last {volume.Layout.Slices[^1].Name} at {g.ToPatient(0, 0, g.Slices - 1)}
            voxel → patient (LPS):
            """));
        for (var r = 0; r < 4; r++)
        {
            output.WriteLine(string.Join("  ", affine.Skip(r * 4).Take(4).Select(v => v.ToString("0.######", CultureInfo.InvariantCulture).PadLeft(12))));
        }
        if (raw is not null)
        {
            using var file = File.Create(raw);
            if (volume.Int16Voxels is { } int16)
            {
                file.Write(MemoryMarshal.AsBytes(int16.AsSpan()));
            }
            else
            {
                file.Write(MemoryMarshal.AsBytes(volume.Float32Voxels.AsSpan()));
            }
        }
        return 0;
    }
}
