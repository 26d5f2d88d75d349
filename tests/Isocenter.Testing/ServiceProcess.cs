using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Isocenter.Testing;

/// <summary>
/// One of Isocenter's services run as a process from its build output in the checkout (as <c>./dev.sh up</c> runs it), on a
/// free HTTP port of loopback, with settings given as .NET environment variables (<c>Section__Key</c>). Its console log is
/// kept for assertions and failure messages; <see cref="StopAsync"/> sends SIGTERM, as Kubernetes does.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process) => _process = process;

    /// <summary>The service's HTTP address (health, metrics, its API).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the service has logged so far (stdout and stderr).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the service whose project is <paramref name="projectPath"/> (relative to the checkout, e.g.
    /// <c>services/ingest/Isocenter.Ingest</c>) and waits until it listens; the test project must build it (a
    /// ProjectReference with ReferenceOutputAssembly=false), in the test's own configuration.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string projectPath, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken = default)
    {
        var name = Path.GetFileName(projectPath);
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(LocalServers.RepositoryRoot, projectPath, "bin", configuration, "net10.0", name + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built: build the solution in {configuration} first (./dev.sh test does).", dll);
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var service = new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {dll}"));
        service._process.OutputDataReceived += (_, e) => service.Append(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        service._process.EnableRaisingEvents = true;
        service._process.Exited += (_, _) => service._listening.TrySetException(new InvalidOperationException($"{name} exited ({service._process.ExitCode}):\n{service.Log}"));
        try
        {
            service.BaseAddress = await service._listening.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await service.DisposeAsync();
            throw new TimeoutException($"{name} did not listen within {StartTimeout.TotalSeconds} s:\n{service.Log}");
        }
        return service;
    }

    /// <summary>Waits until the service's log has a line matching <paramref name="pattern"/>; returns the match.</summary>
    public async Task<Match> WaitForLogAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (pattern.Match(Log) is { Success: true } match)
            {
                return match;
            }
            if (deadline.IsCancellationRequested || _process.HasExited)
            {
                throw new TimeoutException($"no log line matching {pattern} within {timeout.TotalSeconds} s:\n{Log}");
            }
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Sends SIGTERM and waits for the process to end; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        return _process.ExitCode;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
        if (ListeningOn().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
