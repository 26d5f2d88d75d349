using Isocenter.Cli.Dump;
using Isocenter.Cli.Echo;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Cli.Find;

/// <summary><c>isocenter find</c>: C-FIND in the Study Root or Patient Root model, like DCMTK's findscu.</summary>
internal static class FindCommand
{
    public const string Usage = $"usage: isocenter find {NetworkArguments.Options} [--study|--patient] [--json] HOST PORT -k Key[=Value]...";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var model = DicomUid.StudyRootQueryRetrieveInformationModelFind;
        var json = false;
        var keys = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--study":
                    model = DicomUid.StudyRootQueryRetrieveInformationModelFind;
                    break;
                case "--patient":
                    model = DicomUid.PatientRootQueryRetrieveInformationModelFind;
                    break;
                case "--json":
                    json = true;
                    break;
                case "-k" when i + 1 < args.Length:
                    keys.Add(args[++i]);
                    break;
                case "-k":
                    return Fail("'-k' needs a key.");
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        if (!NetworkArguments.TryParse([.. rest], out var parsed, out var error) || parsed.Rest.Count > 0)
        {
            return Fail(error.Length > 0 ? error : "unexpected arguments");
        }
        if (!TryBuildIdentifier(keys, out var identifier, out error))
        {
            return Fail(error);
        }
        var client = new DicomClient(parsed.Host, parsed.Port, parsed.ClientOptions());
        var count = 0;
        try
        {
            await foreach (var match in client.FindAsync(model, identifier, cancellationToken))
            {
                count++;
                if (json)
                {
                    output.WriteLine(DicomJson.Serialize(match, new DicomJsonOptions { WriteIndented = false }));
                }
                else
                {
                    output.WriteLine($"# match {count}");
                    DumpCommand.Write(match, output, 0);
                }
            }
        }
        catch (DimseFailureException e)
        {
            Console.Error.WriteLine($"isocenter find: {e.Message}");
            return 1;
        }
        Console.Error.WriteLine($"isocenter find: {count} match{(count == 1 ? "" : "es")}");
        return 0;
    }

    /// <summary>
    /// The identifier from <c>Key=Value</c> (a value to match) and <c>Key</c> (a key to return), keys by keyword or
    /// gggg,eeee; Query/Retrieve Level STUDY unless given.
    /// </summary>
    public static bool TryBuildIdentifier(IEnumerable<string> keys, out DicomDataset identifier, out string error)
    {
        identifier = new DicomDataset();
        error = "";
        foreach (var key in keys)
        {
            var equals = key.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? key : key[..equals];
            if (!DicomTag.TryParse(name, out var tag))
            {
                error = $"'{name}' is not a DICOM tag: expected a keyword such as PatientName or gggg,eeee.";
                return false;
            }
            if (identifier.FindEntry(tag) is null)
            {
                error = $"{tag} is not in the data dictionary: its VR is unknown.";
                return false;
            }
            identifier.Set(tag, equals < 0 ? [] : [key[(equals + 1)..]]);
        }
        if (!identifier.Contains(DicomTag.QueryRetrieveLevel))
        {
            identifier.Set(DicomTag.QueryRetrieveLevel, "STUDY");
        }
        return true;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"isocenter find: {message}\n{Usage}");
        return 2;
    }
}
