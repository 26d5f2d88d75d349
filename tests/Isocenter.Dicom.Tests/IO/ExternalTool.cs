using System.Diagnostics;
using System.Text;

namespace Isocenter.Dicom.Tests.IO;

/// <summary>The outcome of running a command-line tool.</summary>
internal sealed record ToolRun(string CommandLine, int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"`{CommandLine}` exited with {ExitCode}";
}

/// <summary>Runs the reference tools (DCMTK, GDCM) that the peer tests compare against.</summary>
internal static class ExternalTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The full path of <paramref name="tool"/> on PATH; fails the test (never skips it) when it is missing.</summary>
    public static string Require(string tool, string debianPackage)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"{tool} is not installed (Debian package {debianPackage}): run ./dev.sh test, which installs it");
        return found!;
    }

    /// <summary>Runs <paramref name="path"/> with <paramref name="arguments"/>; output is read as Latin-1 so no byte is lost.</summary>
    public static async Task<ToolRun> RunAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.Latin1,
            StandardErrorEncoding = Encoding.Latin1,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var commandLine = $"{Path.GetFileName(path)} {string.Join(' ', arguments)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {commandLine}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{commandLine}` did not finish within {Timeout.TotalSeconds} s");
        }
        return new ToolRun(commandLine, process.ExitCode, await output, await errors);
    }
}
