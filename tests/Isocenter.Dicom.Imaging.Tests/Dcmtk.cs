using System.Diagnostics;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Tests;

/// <summary>Runs DCMTK (dcmdrle, dcmdjpeg, dcmcjpeg, dcmj2pnm) and GDCM (gdcmconv) on temporary copies and reads back what they wrote.</summary>
internal static class Dcmtk
{
    public const string Corpus = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static string CorpusFile(string name) => Path.Combine(Corpus, name);

    /// <summary>Runs <paramref name="tool"/>; the test fails (never skips) when the tool is missing or fails. Returns its standard output and error.</summary>
    public static (string Output, string Errors) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} could not start (Debian package dcmtk)");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), $"{tool} did not finish");
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {errors}{output.Result}");
        return (output.Result, errors);
    }

    /// <summary>A new empty temporary folder.</summary>
    public static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "isocenter-imaging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// The frames of <paramref name="path"/> after <paramref name="tool"/> (dcmdrle, dcmdjpeg, or GDCM's gdcmconv with
    /// <paramref name="options"/> such as --raw) decompressed it, and its pixel description.
    /// </summary>
    public static (DicomPixelData PixelData, byte[][] Frames) Decompress(string tool, string path, params string[] options)
    {
        var folder = TempFolder();
        try
        {
            var input = Path.Combine(folder, "in.dcm");
            var output = Path.Combine(folder, "out.dcm");
            File.Copy(path, input);
            Run(tool, [.. options, input, output]);
            return ReadFrames(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>All frames of a file, decoded by our codecs when encapsulated (loaded into memory, so the file may be deleted after).</summary>
    public static (DicomPixelData PixelData, byte[][] Frames) ReadFrames(string path) => ReadFrames(DicomFile.Open(path));

    /// <summary>All frames of <paramref name="file"/>, decoded by our codecs when encapsulated.</summary>
    public static (DicomPixelData PixelData, byte[][] Frames) ReadFrames(DicomFile file)
    {
        var pixelData = DicomPixelData.Create(file);
        var codecs = DicomCodecRegistry.CreateDefault();
        var frames = Enumerable.Range(0, pixelData.NumberOfFrames).Select(i => codecs.GetFrame(pixelData, i)).ToArray();
        return (pixelData, frames);
    }
}
