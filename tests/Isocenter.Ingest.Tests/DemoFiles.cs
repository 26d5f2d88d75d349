using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Transcoding;

namespace Isocenter.Ingest.Tests;

/// <summary>A sent file: where it is, its instance's UIDs, and its dataset bytes (what follows the meta header).</summary>
public sealed record SentFile(string Path, string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, DicomTransferSyntax TransferSyntax)
{
    public byte[] DataSet => Part10.DataSet(Path);
}

/// <summary>Demo CT series (<c>isocenter demo</c>), saved in a transfer syntax (compressed ones through <c>isocenter transcode</c>'s transcoder).</summary>
internal static class DemoFiles
{
    public static List<SentFile> WriteSeries(string folder, int slices, DicomTransferSyntax syntax, int size = 64)
    {
        Directory.CreateDirectory(folder);
        var transcoder = new DicomTranscoder(DicomCodecRegistry.CreateDefault());
        var files = new List<SentFile>();
        foreach (var instance in new SyntheticCtGenerator(new SyntheticCtOptions { Slices = slices, Size = size }).Generate())
        {
            var dataset = instance.Dataset;
            var path = Path.Combine(folder, Path.GetFileName(instance.RelativePath));
            var file = new DicomFile(dataset);
            (syntax.IsEncapsulated ? transcoder.Transcode(file, syntax) : file).Save(path, syntax.IsEncapsulated ? null : syntax);
            files.Add(new SentFile(path, dataset.GetString(DicomTag.StudyInstanceUID)!, dataset.GetString(DicomTag.SeriesInstanceUID)!,
                dataset.GetString(DicomTag.SOPInstanceUID)!, syntax));
        }
        return files;
    }
}
