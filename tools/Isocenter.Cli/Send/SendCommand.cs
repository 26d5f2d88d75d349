using System.Diagnostics;
using System.Globalization;
using Isocenter.Cli.Echo;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Cli.Send;

/// <summary><c>isocenter send</c>: C-STORE files and folders (recursively) to a peer on one association, like storescu.</summary>
internal static class SendCommand
{
    public const string Usage = $"usage: isocenter send {NetworkArguments.Options} HOST PORT PATH...";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (!NetworkArguments.TryParse(args, out var parsed, out var error) || parsed.Rest.Count == 0)
        {
            Console.Error.WriteLine($"isocenter send: {(error.Length > 0 ? error : "no PATH to send")}\n{Usage}");
            return 2;
        }
        var files = new List<string>();
        foreach (var path in parsed.Rest)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                Console.Error.WriteLine($"isocenter send: '{path}' does not exist");
                return 2;
            }
        }
        var client = new DicomClient(parsed.Host, parsed.Port, parsed.ClientOptions());
        var clock = Stopwatch.StartNew();
        var progress = new Reporter(output);
        var results = await client.StoreAsync(files, progress, cancellationToken);
        var failed = results.Count(r => !r.Succeeded);
        var bytes = results.Where(r => r.Succeeded).Sum(r => new FileInfo(r.Name).Length);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count - failed}/{results.Count} stored, {bytes / 1e6:F1} MB in {clock.Elapsed.TotalSeconds:F1} s ({(results.Count - failed) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F0} files/s)"));
        return failed == 0 ? 0 : 1;
    }

    private sealed class Reporter(TextWriter output) : IProgress<CStoreProgress>
    {
        public void Report(CStoreProgress value)
        {
            if (!value.Latest.Succeeded)
            {
                var why = value.Latest.Status is { } status ? string.Create(CultureInfo.InvariantCulture, $"status 0x{status:X4} {value.Latest.Error}") : value.Latest.Error;
                output.WriteLine($"failed {value.Latest.Name}: {why}");
            }
        }
    }
}
