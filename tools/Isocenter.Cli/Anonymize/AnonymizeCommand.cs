using System.Globalization;
using System.Security.Cryptography;
using Isocenter.Dicom;
using Isocenter.Dicom.Deidentification;

namespace Isocenter.Cli.Anonymize;

/// <summary>
/// <c>isocenter anonymize IN OUT [options]</c>: de-identifies a file, or every DICOM file under a folder, by PS3.15's Basic
/// Application Level Confidentiality Profile (see <see cref="Deidentifier"/>). A folder's copies are written as
/// OUT/&lt;new Study Instance UID&gt;/&lt;new Series Instance UID&gt;/&lt;new SOP Instance UID&gt;.dcm, so no original name or
/// identifier is left in a path; OUT appears only once every copy is written.
/// </summary>
internal static class AnonymizeCommand
{
    public const string Usage = """
        usage: isocenter anonymize IN OUT [--keep-dates] [--keep-patient-characteristics] [--keep-device] [--keep-institution]
                                  [--keep-uids] [--clean-descriptors] [--secret-file F]

        De-identifies IN (a DICOM file, or a folder of them) into OUT (a file, or a new folder laid out as
        <study>/<series>/<instance>.dcm by the new UIDs) by PS3.15 Annex E's Basic Application Level Confidentiality Profile.
          --keep-dates                    Retain Longitudinal Temporal Information with Modified Dates (dates shifted per patient)
          --keep-patient-characteristics  Retain Patient Characteristics (sex, age, size, weight…)
          --keep-device                   Retain Device Identity
          --keep-institution              Retain Institution Identity
          --keep-uids                     Retain UIDs
          --clean-descriptors             Clean Descriptors: keep the safe words of descriptions instead of removing them
          --secret-file F                 the key (at least 16 bytes): the same key gives the same UIDs and pseudonyms on
                                          every run; without it a random key is used and the mapping cannot be repeated
        Instances that may have burned-in annotation are held back (listed on stderr, not written).
        """;

    /// <summary>Runs the command with the arguments after <c>anonymize</c>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var options = new DeidentificationOptions();
        string? input = null, output = null, secretFile = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--keep-dates":
                    options = options with { RetainLongitudinalTemporalInformationModifiedDates = true };
                    break;
                case "--keep-patient-characteristics":
                    options = options with { RetainPatientCharacteristics = true };
                    break;
                case "--keep-device":
                    options = options with { RetainDeviceIdentity = true };
                    break;
                case "--keep-institution":
                    options = options with { RetainInstitutionIdentity = true };
                    break;
                case "--keep-uids":
                    options = options with { RetainUids = true };
                    break;
                case "--clean-descriptors":
                    options = options with { CleanDescriptors = true };
                    break;
                case "--secret-file" when i + 1 < args.Count:
                    secretFile = args[++i];
                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    return 0;
                case var path when !path.StartsWith('-') && input is null:
                    input = path;
                    break;
                case var path when !path.StartsWith('-') && output is null:
                    output = path;
                    break;
                default:
                    return Fail($"unexpected argument '{args[i]}'\n{Usage}");
            }
        }
        if (input is null || output is null)
        {
            return Fail(Usage);
        }
        byte[] secret;
        if (secretFile is not null)
        {
            secret = File.ReadAllBytes(secretFile);
            if (secret.Length < 16)
            {
                return Fail($"the secret file {secretFile} has {secret.Length} bytes; it needs at least 16 (e.g. head -c 32 /dev/urandom > {secretFile})");
            }
        }
        else
        {
            secret = RandomNumberGenerator.GetBytes(32);
        }
        var deidentifier = new Deidentifier(new DeidentificationKeys(secret), options);
        if (File.Exists(input))
        {
            return AnonymizeFile(deidentifier, input, output);
        }
        if (Directory.Exists(input))
        {
            return AnonymizeFolder(deidentifier, input, output);
        }
        return Fail($"{input} is neither a file nor a folder");
    }

    private static int AnonymizeFile(Deidentifier deidentifier, string input, string output)
    {
        if (Directory.Exists(output))
        {
            return Fail($"{output} is a folder; for one input file, OUT is the file to write");
        }
        var file = DicomFile.Open(input);
        var result = deidentifier.Deidentify(file.Dataset);
        if (result.Dataset is null)
        {
            return Fail($"{input} is held back, nothing written: {result.Reason}");
        }
        new DicomFile(result.Dataset, file.TransferSyntax).Save(output); // written beside OUT and moved over it when complete
        return 0;
    }

    private static int AnonymizeFolder(Deidentifier deidentifier, string input, string output)
    {
        var destination = Path.GetFullPath(output);
        if (File.Exists(destination) || (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any()))
        {
            return Fail($"{output} exists and is not an empty folder; give a new folder for the de-identified copies");
        }
        var files = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var parent = Path.GetDirectoryName(destination.TrimEnd(Path.DirectorySeparatorChar))!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(destination.TrimEnd(Path.DirectorySeparatorChar))}.{Guid.NewGuid():N}.partial");
        int written = 0, heldBack = 0, skipped = 0;
        try
        {
            foreach (var path in files)
            {
                DicomFile file;
                try
                {
                    file = DicomFile.Open(path);
                }
                catch (DicomReadException e) when (!IsDicomLooking(path))
                {
                    Console.Error.WriteLine($"isocenter anonymize: skipped {path}: not a DICOM file ({e.Message})");
                    skipped++;
                    continue;
                }
                var result = deidentifier.Deidentify(file.Dataset);
                if (result.Dataset is null)
                {
                    Console.Error.WriteLine($"isocenter anonymize: held back {path}: {result.Reason}");
                    heldBack++;
                    continue;
                }
                var target = Path.Combine(staging,
                    Name(result.Dataset, DicomTag.StudyInstanceUID, path),
                    Name(result.Dataset, DicomTag.SeriesInstanceUID, path),
                    Name(result.Dataset, DicomTag.SOPInstanceUID, path) + ".dcm");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                new DicomFile(result.Dataset, file.TransferSyntax).Save(target);
                written++;
            }
            if (Directory.Exists(destination))
            {
                Directory.Delete(destination); // empty, checked above
            }
            if (written > 0)
            {
                Directory.Move(staging, destination);
            }
            else
            {
                Directory.CreateDirectory(destination);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{written} instance(s) de-identified into {destination}; {heldBack} held back; {skipped} non-DICOM file(s) skipped"));
        return 0;
    }

    // A file named *.dcm that does not read is an error, not something to skip.
    private static bool IsDicomLooking(string path) => path.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase);

    private static string Name(DicomDataset dataset, DicomTag tag, string path) =>
        dataset.GetString(tag) is { Length: > 0 } uid && DicomUid.IsValid(uid)
            ? uid
            : throw new DicomDataException($"{path}: no valid {tag.Keyword} {tag} to name the copy by");

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"isocenter anonymize: {message}");
        return 2;
    }
}
