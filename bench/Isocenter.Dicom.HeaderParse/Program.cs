using System.Diagnostics;
using System.Globalization;
using Isocenter.Cli.Demo;
using Isocenter.Dicom;

// Timing modes for bench/header-parse.sh. Each prints one line of key=value pairs the script reads.
//   headers DIR [--passes N]             parse every *.dcm under DIR, stopping before pixel data (report the last of N passes)
//   full DIR                             parse every *.dcm under DIR whole, pixel data read into memory
//   lazy FILE [--threshold BYTES]        parse FILE leaving values of at least BYTES (default 65536) in the file
//   volume FILE [--frames N] [--size P]  write a synthetic Enhanced CT volume of N frames (default 2000 x 512 x 512, 1 GB)

const string Usage = "usage: headerparse headers DIR | full DIR | lazy FILE [--threshold BYTES] | volume FILE [--frames N] [--size PIXELS]";

return args switch
{
    ["headers", var dir] => ParseFolder(dir, new DicomReadOptions { StopBeforePixelData = true }, 1),
    ["headers", var dir, "--passes", var passes] => ParseFolder(dir, new DicomReadOptions { StopBeforePixelData = true }, int.Parse(passes, CultureInfo.InvariantCulture)),
    ["full", var dir] => ParseFolder(dir, new DicomReadOptions { LazyBulkDataThreshold = long.MaxValue }, 1),
    ["lazy", var file] => ParseLazy(file, 64 * 1024),
    ["lazy", var file, "--threshold", var threshold] => ParseLazy(file, long.Parse(threshold, CultureInfo.InvariantCulture)),
    ["volume", var file, .. var rest] => WriteVolume(file, Option(rest, "--frames", 2000), Option(rest, "--size", 512)),
    _ => Fail(),
};

// With several passes, the last one is reported: the steady state of a long-running service.
static int ParseFolder(string dir, DicomReadOptions options, int passes)
{
    var files = Directory.EnumerateFiles(dir, "*.dcm", SearchOption.AllDirectories).ToArray();
    long elements = 0;
    var seconds = 0.0;
    for (var pass = 0; pass < passes; pass++)
    {
        elements = 0;
        var clock = Stopwatch.StartNew();
        foreach (var path in files)
        {
            var file = DicomFile.Open(path, options);
            elements += file.Dataset.Count;
        }
        seconds = clock.Elapsed.TotalSeconds;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"files={files.Length} seconds={seconds:F3} files_per_s={files.Length / seconds:F1} elements={elements}"));
    return files.Length > 0 ? 0 : 1;
}

static int ParseLazy(string path, long threshold)
{
    var clock = Stopwatch.StartNew();
    var file = DicomFile.Open(path, new DicomReadOptions { LazyBulkDataThreshold = threshold });
    var seconds = clock.Elapsed.TotalSeconds;
    var pixels = file.Dataset[DicomTag.PixelData] as DicomValueElement;
    var frames = file.Dataset.GetString(DicomTag.NumberOfFrames) ?? "1";
    using var process = Process.GetCurrentProcess();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"file_bytes={new FileInfo(path).Length} frames={frames} elements={file.Dataset.Count} pixel_data_bytes={pixels?.Length ?? 0} " +
        $"pixel_data_loaded={pixels?.Buffer.IsLoaded} seconds={seconds:F3} managed_heap_mb={GC.GetTotalMemory(false) / 1e6:F1} " +
        $"peak_working_set_mb={process.PeakWorkingSet64 / 1e6:F1}"));
    return 0;
}

static int WriteVolume(string path, int frames, int size)
{
    var clock = Stopwatch.StartNew();
    var dataset = new SyntheticCtGenerator(new SyntheticCtOptions { Size = size }).CreateVolume(frames);
    var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
    Directory.CreateDirectory(directory);
    // Write beside the target and rename, so an interrupted run never leaves a truncated volume to be reused.
    var partial = path + ".partial";
    new DicomFile(dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(partial);
    File.Move(partial, path, overwrite: true);
    using var process = Process.GetCurrentProcess();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"file={path} frames={frames} bytes={new FileInfo(path).Length} seconds={clock.Elapsed.TotalSeconds:F1} peak_working_set_mb={process.PeakWorkingSet64 / 1e6:F1}"));
    return 0;
}

static int Option(string[] rest, string name, int fallback)
{
    var i = Array.IndexOf(rest, name);
    return i >= 0 && i + 1 < rest.Length ? int.Parse(rest[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static int Fail()
{
    Console.Error.WriteLine(Usage);
    return 2;
}
