using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Isocenter.Thumbnails.Tests;

/// <summary>The service's host as a process (built beside the tests): health, metrics, clean shutdown on SIGTERM.</summary>
public sealed partial class ThumbnailsHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-thumbnails-host-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Host_Started_AnswersHealthAliveAndMetricsThenStopsCleanlyOnSigterm()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Isocenter.Thumbnails.dll"), "--urls", "http://127.0.0.1:0", "--ObjectStore:Root", _folder })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            // Kestrel logs the port it was given for port 0.
            string? line;
            Match listening;
            var log = new List<string>();
            do
            {
                line = await process.StandardOutput.ReadLineAsync();
                log.Add(line ?? "");
                listening = ListeningOn().Match(line ?? "");
            }
            while (line is not null && !listening.Success);
            if (!listening.Success)
            {
                Assert.Fail($"the host did not start:\n{string.Join('\n', log)}\n{await errors}"); // stderr ends when the host does
            }
            var output = process.StandardOutput.ReadToEndAsync();
            using var http = new HttpClient { BaseAddress = new Uri(listening.Groups[1].Value) };

            Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health", UriKind.Relative)));
            Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/alive", UriKind.Relative)));
            Assert.Contains("service_name=\"Isocenter.Thumbnails\"", await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/instances", UriKind.Relative))).StatusCode);

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Application is shutting down", await output, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
