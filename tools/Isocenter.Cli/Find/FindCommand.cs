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
        if (!QueryArguments.TryParse(args, [], ["--json"], out var parsed, out var error))
        {
            return Fail(error);
        }
        var model = parsed.PatientRoot ? DicomUid.PatientRootQueryRetrieveInformationModelFind : DicomUid.StudyRootQueryRetrieveInformationModelFind;
        var json = parsed.Flags.Contains("--json");
        var network = parsed.Network;
        var client = new DicomClient(network.Host, network.Port, network.ClientOptions());
        var count = 0;
        try
        {
            await foreach (var match in client.FindAsync(model, parsed.Identifier, cancellationToken))
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

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"isocenter find: {message}\n{Usage}");
        return 2;
    }
}
