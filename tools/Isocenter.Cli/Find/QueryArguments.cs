using Isocenter.Cli.Echo;
using Isocenter.Dicom;

namespace Isocenter.Cli.Find;

/// <summary>
/// The arguments find, move and get share: <c>[--aet A] [--called B] [--study|--patient] HOST PORT -k Key[=Value]...</c>,
/// plus each command's own options (with a value) and flags.
/// </summary>
internal sealed record QueryArguments(NetworkArguments Network, bool PatientRoot, DicomDataset Identifier, IReadOnlyDictionary<string, string> Options, IReadOnlySet<string> Flags)
{
    public static bool TryParse(string[] args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags, out QueryArguments parsed, out string error)
    {
        parsed = null!;
        var patientRoot = false;
        var keys = new List<string>();
        var rest = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--study" or "--patient":
                    patientRoot = args[i] == "--patient";
                    break;
                case var option when flags.Contains(option):
                    set.Add(option);
                    break;
                case var option when (option == "-k" || valueOptions.Contains(option)) && i + 1 >= args.Length:
                    error = $"'{option}' needs a value.";
                    return false;
                case "-k":
                    keys.Add(args[++i]);
                    break;
                case var option when valueOptions.Contains(option):
                    options[option] = args[++i];
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        if (!NetworkArguments.TryParse([.. rest], out var network, out error) || network.Rest.Count > 0)
        {
            error = error.Length > 0 ? error : "unexpected arguments";
            return false;
        }
        if (!TryBuildIdentifier(keys, out var identifier, out error))
        {
            return false;
        }
        parsed = new QueryArguments(network, patientRoot, identifier, options, set);
        return true;
    }

    /// <summary>
    /// The identifier from <c>Key=Value</c> (a value to match) and <c>Key</c> (a key to return), keys by keyword or
    /// gggg,eeee; Query/Retrieve Level STUDY unless given.
    /// </summary>
    private static bool TryBuildIdentifier(IEnumerable<string> keys, out DicomDataset identifier, out string error)
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
}
