using System.Diagnostics;
using System.Globalization;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;

// Timing modes for bench/decode.sh. `decode` prints one line of key=value pairs the script reads.
//   decode FILE [--passes N]   read FILE into memory, then decode every frame N times (default 3); report the best pass,
//                              wall and CPU time (the CPU time of the process: steadier than wall on a shared machine)
//   convert IN OUT             read IN, write OUT as Explicit VR Little Endian, frames decoded while written (what dcmdjpeg does)
//   noop                       start and exit: the process start-up the script reports separately

const string Usage = "usage: decode decode FILE [--passes N] | convert IN OUT | noop";

return args switch
{
    ["decode", var file] => Decode(file, 3),
    ["decode", var file, "--passes", var passes] => Decode(file, int.Parse(passes, CultureInfo.InvariantCulture)),
    ["convert", var input, var output] => Convert(input, output),
    ["noop"] => 0,
    _ => Fail(),
};

static int Decode(string path, int passes)
{
    var file = DicomFile.Open(path, new DicomReadOptions { LazyBulkDataThreshold = long.MaxValue });
    var pixelData = DicomPixelData.Create(file);
    var codecs = DicomCodecRegistry.CreateDefault();
    using var process = Process.GetCurrentProcess();
    double best = double.MaxValue, bestCpu = double.MaxValue;
    for (var pass = 0; pass < passes; pass++)
    {
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < pixelData.NumberOfFrames; i++)
        {
            _ = codecs.GetFrame(pixelData, i);
        }
        best = Math.Min(best, clock.Elapsed.TotalSeconds);
        process.Refresh();
        bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
    var bytes = (long)pixelData.FrameLength * pixelData.NumberOfFrames;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"syntax={pixelData.TransferSyntax.Uid} frames={pixelData.NumberOfFrames} bytes={bytes} seconds={best:F4} cpu_seconds={bestCpu:F4} mb_per_s={bytes / 1e6 / best:F1} cpu_mb_per_s={bytes / 1e6 / bestCpu:F1}"));
    return 0;
}

static int Convert(string input, string output)
{
    var file = DicomFile.Open(input, new DicomReadOptions { LazyBulkDataThreshold = long.MaxValue });
    var pixelData = DicomPixelData.Create(file);
    var dataset = file.Dataset.Clone();
    dataset.Add(new DicomValueElement(DicomTag.PixelData, pixelData.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, new DecodedFrames(pixelData)));
    new DicomFile(dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(output);
    return 0;
}

static int Fail()
{
    Console.Error.WriteLine(Usage);
    return 2;
}

/// <summary>Native Pixel Data decoded frame by frame while it is written, as the DCMTK tools stream it.</summary>
internal sealed class DecodedFrames(DicomPixelData pixelData) : DicomBuffer
{
    private readonly DicomCodecRegistry _codecs = DicomCodecRegistry.CreateDefault();

    public override long Length => (long)pixelData.FrameLength * pixelData.NumberOfFrames;

    public override bool IsLoaded => false;

    public override ReadOnlyMemory<byte> Memory => throw new InvalidOperationException("The decoded frames are streamed with CopyTo.");

    public override void CopyTo(Stream destination)
    {
        for (var i = 0; i < pixelData.NumberOfFrames; i++)
        {
            destination.Write(_codecs.GetFrame(pixelData, i));
        }
    }
}
