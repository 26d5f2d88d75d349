using System.Globalization;
using Isocenter.Cli.Echo;
using Isocenter.Cli.Find;
using Isocenter.Cli.Listen;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Cli.Retrieve;

/// <summary>
/// <c>isocenter move</c> and <c>isocenter get</c>: C-MOVE to a destination AE, or C-GET into a folder, in the Study Root or
/// Patient Root model, like DCMTK's movescu and getscu.
/// </summary>
internal static class RetrieveCommand
{
    public const string MoveUsage = $"usage: isocenter move {NetworkArguments.Options} [--study|--patient] --dest AE HOST PORT -k Key=Value...";

    public const string GetUsage = $"usage: isocenter get {NetworkArguments.Options} [--study|--patient] --out DIR HOST PORT -k Key=Value...";

    /// <summary>C-MOVE: the peer sends the instances to the AE title given by --dest (which it must know).</summary>
    public static Task<int> MoveAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        RunAsync("move", MoveUsage, "--dest", args, output, (client, parsed, destination, progress) => client.MoveAsync(
            parsed.PatientRoot ? DicomUid.PatientRootQueryRetrieveInformationModelMove : DicomUid.StudyRootQueryRetrieveInformationModelMove,
            parsed.Identifier, destination, progress, cancellationToken));

    /// <summary>C-GET: the instances come back on the same association and are written to --out as &lt;SOP Instance UID&gt;.dcm.</summary>
    public static Task<int> GetAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        RunAsync("get", GetUsage, "--out", args, output, (client, parsed, directory, progress) =>
        {
            Directory.CreateDirectory(directory);
            return client.GetAsync(
                parsed.PatientRoot ? DicomUid.PatientRootQueryRetrieveInformationModelGet : DicomUid.StudyRootQueryRetrieveInformationModelGet,
                parsed.Identifier, new ListenCommand.FileSink(Path.GetFullPath(directory), output), progress: progress, cancellationToken: cancellationToken);
        });

    private static async Task<int> RunAsync(string name, string usage, string requiredOption, string[] args, TextWriter output,
        Func<DicomClient, QueryArguments, string, IProgress<SubOperationCounts>, Task<CRetrieveResult>> retrieve)
    {
        if (!QueryArguments.TryParse(args, [requiredOption], [], out var parsed, out var error) || !parsed.Options.TryGetValue(requiredOption, out var value))
        {
            Console.Error.WriteLine($"isocenter {name}: {(error.Length > 0 ? error : $"{requiredOption} is required")}\n{usage}");
            return 2;
        }
        var network = parsed.Network;
        var client = new DicomClient(network.Host, network.Port, network.ClientOptions());
        var progress = new PendingToStandardError(name);
        CRetrieveResult result;
        try
        {
            result = await retrieve(client, parsed, value, progress);
        }
        catch (DimseFailureException e)
        {
            Console.Error.WriteLine($"isocenter {name}: {e.Message}");
            return 1;
        }
        output.WriteLine(Describe(name, $"status 0x{result.Status:X4}", result.SubOperations));
        foreach (var failed in result.FailedSopInstanceUids)
        {
            output.WriteLine($"failed: {failed}");
        }
        return result.Status == DimseStatus.Success ? 0 : 1;
    }

    private sealed class PendingToStandardError(string name) : IProgress<SubOperationCounts>
    {
        public void Report(SubOperationCounts value) => Console.Error.WriteLine(Describe(name, "pending", value));
    }

    private static string Describe(string name, string state, SubOperationCounts counts) => string.Create(CultureInfo.InvariantCulture,
        $"isocenter {name}: {state}, {counts.Completed} completed, {counts.Failed} failed, {counts.Warning} warning, {counts.Remaining} remaining");
}
