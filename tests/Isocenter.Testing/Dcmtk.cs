using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Scu;
using Xunit;

namespace Isocenter.Testing;

/// <summary>The outcome of running a DCMTK tool.</summary>
public sealed record ToolRun(string CommandLine, int ExitCode, string Output)
{
    public override string ToString() => $"`{CommandLine}` exited with {ExitCode}:\n{Output}";
}

/// <summary>Runs DCMTK's network tools with TCP_NODELAY=1 (Debian's build leaves Nagle on otherwise), every wait bounded.</summary>
public static class Dcmtk
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static string Require(string tool)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"{tool} is not installed (Debian package dcmtk): run ./dev.sh test, which installs it");
        return found!;
    }

    public static Process Start(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.Latin1,
            StandardErrorEncoding = Encoding.Latin1,
            UseShellExecute = false,
        };
        start.Environment["TCP_NODELAY"] = "1";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
    }

    public static async Task<ToolRun> RunAsync(string tool, params IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        var commandLine = $"{tool} {string.Join(' ', list)}";
        using var process = Start(tool, list);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{commandLine}` did not finish within {Timeout.TotalSeconds} s");
        }
        return new ToolRun(commandLine, process.ExitCode, await output + await errors);
    }

    /// <summary>Waits (bounded) until a peer started as <paramref name="process"/> answers C-ECHO; fails when it exits first.</summary>
    public static async Task WaitForEchoAsync(DicomClient client, Process process, Func<string> describeExit)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            try
            {
                await client.EchoAsync(timeout.Token);
                return;
            }
            // Refused while it starts; or accepted and closed, which a restarted peer's first connections may see.
            catch (Exception e) when (e is SocketException or IOException or (DicomNetworkException and not DicomAssociationRejectedException) && !timeout.IsCancellationRequested)
            {
                Assert.False(process.HasExited, describeExit());
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    /// <summary>A loopback port free now (for peers that cannot be told to pick their own).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
