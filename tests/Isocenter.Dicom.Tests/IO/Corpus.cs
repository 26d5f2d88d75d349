namespace Isocenter.Dicom.Tests.IO;

/// <summary>
/// pydicom's corpus of real-world files (Debian package python3-pydicom, installed by ./dev.sh): test_files/*.dcm and
/// charset_files/*.dcm. Files are named relative to the data folder, e.g. "test_files/CT_small.dcm".
/// </summary>
internal static class Corpus
{
    public const string DataFolder = "/usr/lib/python3/dist-packages/pydicom/data";

    public static readonly string MissingMessage =
        $"pydicom's test corpus is not installed ({DataFolder}/test_files): run ./dev.sh test, which installs python3-pydicom";

    public static bool IsPresent => Directory.Exists(Path.Combine(DataFolder, "test_files"));

    /// <summary>The corpus files, relative to <see cref="DataFolder"/>, in a stable order.</summary>
    public static IReadOnlyList<string> Files { get; } = IsPresent
        ? [.. new[] { "test_files", "charset_files" }
            .Where(folder => Directory.Exists(Path.Combine(DataFolder, folder)))
            .SelectMany(folder => Directory.GetFiles(Path.Combine(DataFolder, folder), "*.dcm").Select(f => $"{folder}/{Path.GetFileName(f)}"))
            .Order(StringComparer.Ordinal)]
        : [];

    public static string PathOf(string file) => Path.Combine(DataFolder, file);

    public static DicomFile Open(string file, DicomReadOptions? options = null) => DicomFile.Open(PathOf(file), options);

    /// <summary>
    /// Each corpus file with each transfer syntax it can be written in: the writable ones, or only its own when its pixel
    /// data is encapsulated (re-encoding compressed pixel data is not the writer's job). Syntaxes are given by name.
    /// </summary>
    public static TheoryData<string, string> FilesBySyntax()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, syntax) in Cases.Value)
        {
            data.Add(file, syntax);
        }
        return data;
    }

    private static readonly Lazy<(string File, string Syntax)[]> Cases = new(() =>
    {
        if (!IsPresent)
        {
            return [("(corpus missing)", DicomTransferSyntax.ExplicitVRLittleEndian.Name)]; // the theories are skipped
        }
        var cases = new List<(string, string)>();
        foreach (var file in Files)
        {
            DicomFile? dicom = null;
            try
            {
                dicom = Open(file);
            }
            catch (DicomException)
            {
                // Unreadable: each case reports it.
            }
            IEnumerable<DicomTransferSyntax> syntaxes = dicom?.Dataset[DicomTag.PixelData] is DicomFragmentSequence ? [dicom.TransferSyntax] : DicomTransferSyntax.Writable;
            cases.AddRange(syntaxes.Select(ts => (file, ts.Name)));
        }
        return [.. cases];
    });

    /// <summary>A transfer syntax by name: a writable one, or the file's own encapsulated one.</summary>
    public static DicomTransferSyntax Syntax(string name, DicomFile file) =>
        DicomTransferSyntax.Writable.FirstOrDefault(ts => ts.Name == name)
        ?? (file.TransferSyntax.Name == name ? file.TransferSyntax : throw new ArgumentException($"unknown transfer syntax {name}", nameof(name)));

    /// <summary>
    /// Opens a corpus file to be saved again. A few corpus files are dataset fragments without SOP Class and Instance UIDs
    /// in their dataset or meta header, which a Part 10 file needs: they get placeholder UIDs in the meta header (not in
    /// the dataset, which is what the tests compare).
    /// </summary>
    public static DicomFile OpenForSaving(string file)
    {
        var dicom = Open(file);
        if (dicom.Dataset.GetString(DicomTag.SOPClassUID) is not { Length: > 0 }
            && dicom.FileMetaInformation.GetString(DicomTag.MediaStorageSOPClassUID) is not { Length: > 0 })
        {
            dicom.FileMetaInformation.Set(DicomTag.MediaStorageSOPClassUID, DicomUid.SecondaryCaptureImageStorage);
        }
        if (dicom.Dataset.GetString(DicomTag.SOPInstanceUID) is not { Length: > 0 }
            && dicom.FileMetaInformation.GetString(DicomTag.MediaStorageSOPInstanceUID) is not { Length: > 0 })
        {
            dicom.FileMetaInformation.Set(DicomTag.MediaStorageSOPInstanceUID, "2.25.1");
        }
        return dicom;
    }
}

/// <summary>A theory over the pydicom corpus, skipped with a clear message when the corpus is not installed.</summary>
internal sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (!Corpus.IsPresent)
        {
            Skip = Corpus.MissingMessage;
        }
    }
}
