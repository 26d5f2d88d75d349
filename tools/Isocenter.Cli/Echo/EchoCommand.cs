using System.Diagnostics;
using System.Globalization;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Cli.Echo;

/// <summary><c>isocenter echo</c>: C-ECHO (Verification) to a peer, like DCMTK's echoscu.</summary>
internal static class EchoCommand
{
    public const string Usage = $"usage: isocenter echo {NetworkArguments.Options} HOST PORT";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (!NetworkArguments.TryParse(args, out var parsed, out var error) || parsed.Rest.Count > 0)
        {
            Console.Error.WriteLine($"isocenter echo: {(error.Length > 0 ? error : "unexpected arguments")}\n{Usage}");
            return 2;
        }
        var client = new DicomClient(parsed.Host, parsed.Port, parsed.ClientOptions());
        var clock = Stopwatch.StartNew();
        var status = await client.EchoAsync(cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"C-ECHO {parsed.CallingAETitle} -> {parsed.CalledAETitle} at {parsed.Host}:{parsed.Port}: status 0x{status:X4} in {clock.Elapsed.TotalMilliseconds:F0} ms"));
        return status == 0 ? 0 : 1;
    }
}
