using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.ObjectStore;
using Isocenter.Thumbnails;
using Microsoft.Extensions.Logging.Abstractions;

namespace Isocenter.Cli.Thumbnail;

/// <summary>
/// <c>isocenter thumbnail</c>: runs the thumbnail service's <see cref="ThumbnailService"/> against a filesystem object
/// store, for one series already there, or for every series of DICOM files it first puts there (as the archive will).
/// </summary>
internal static class ThumbnailCommand
{
    public const string Usage = """
        usage: isocenter thumbnail --store DIR --study UID --series UID
               isocenter thumbnail --store DIR --import PATH...

        Writes thumbnails/{study}/{series}.jpg in the filesystem object store DIR, as the thumbnail service does on SeriesStable.
          --study, --series   a series whose instances are under DIR/instances/{study}/{series}/
          --import PATH...    first put these DICOM files (folders are searched) under instances/{study}/{series}/{sop}.dcm,
                              then make the thumbnail of each of their series
        """;

    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    /// <summary>Runs the command with the arguments after <c>thumbnail</c>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        string? root = null, study = null, series = null;
        var imports = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--store" when i + 1 < args.Count:
                    root = args[++i];
                    break;
                case "--study" when i + 1 < args.Count && DicomUid.IsValid(args[i + 1]):
                    study = args[++i];
                    break;
                case "--series" when i + 1 < args.Count && DicomUid.IsValid(args[i + 1]):
                    series = args[++i];
                    break;
                case "--import":
                    for (; i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal); i++)
                    {
                        imports.Add(args[i + 1]);
                    }
                    break;
                default:
                    Console.Error.WriteLine($"isocenter thumbnail: unexpected or invalid argument '{args[i]}'\n{Usage}");
                    return 2;
            }
        }
        if (root is null || (study is null || series is null) == (imports.Count == 0))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var store = new FileSystemObjectStore(root);
        var service = new ThumbnailService(store, DicomCodecRegistry.CreateDefault(), TimeProvider.System, NullLogger<ThumbnailService>.Instance);
        var allSeries = imports.Count > 0 ? await ImportAsync(store, imports, output, cancellationToken) : [(study!, series!)];
        foreach (var (studyUid, seriesUid) in allSeries)
        {
            var thumbnail = await service.CreateAsync(studyUid, seriesUid, cancellationToken);
            output.WriteLine($"{Path.Combine(store.Root, thumbnail.Key)}: {thumbnail.Width}x{thumbnail.Height}, {thumbnail.Length} bytes, "
                + $"from {thumbnail.InstanceKey} frame {thumbnail.Frame + 1} ({thumbnail.InstanceCount} instances)");
        }
        return 0;
    }

    // Puts each DICOM file under its instance key; returns the series seen, in order of first appearance.
    private static async Task<List<(string Study, string Series)>> ImportAsync(FileSystemObjectStore store, List<string> paths, TextWriter output, CancellationToken cancellationToken)
    {
        var series = new List<(string, string)>();
        var files = paths.SelectMany<string, string>(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [p]);
        var count = 0;
        foreach (var path in files)
        {
            DicomDataset dataset;
            try
            {
                dataset = DicomFile.Open(path, HeaderOnly).Dataset;
            }
            catch (DicomReadException e)
            {
                output.WriteLine($"skipped {path}: {e.Message}");
                continue;
            }
            var (studyUid, seriesUid, sopUid) = (dataset.GetString(DicomTag.StudyInstanceUID), dataset.GetString(DicomTag.SeriesInstanceUID), dataset.GetString(DicomTag.SOPInstanceUID));
            if (!DicomUid.IsValid(studyUid) || !DicomUid.IsValid(seriesUid) || !DicomUid.IsValid(sopUid))
            {
                output.WriteLine($"skipped {path}: its Study, Series or SOP Instance UID is missing or invalid");
                continue;
            }
            var file = File.OpenRead(path);
            await using (file)
            {
                await store.PutAsync(ObjectKeys.Instance(studyUid!, seriesUid!, sopUid!), file, cancellationToken);
            }
            count++;
            if (!series.Contains((studyUid!, seriesUid!)))
            {
                series.Add((studyUid!, seriesUid!));
            }
        }
        output.WriteLine($"put {count} instances of {series.Count} series into {store.Root}");
        return series;
    }
}
