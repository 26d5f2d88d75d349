using System.Net;
using Isocenter.Testing;

namespace Isocenter.Thumbnails.Tests;

/// <summary>The service as a process (ServiceProcess): health, metrics, clean shutdown on SIGTERM.</summary>
public sealed class ThumbnailsHostTests : IDisposable
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
        await using var service = await ServiceProcess.StartAsync("services/thumbnails/Isocenter.Thumbnails", new Dictionary<string, string> { ["ObjectStore:Root"] = _folder });
        using var http = new HttpClient { BaseAddress = service.BaseAddress };

        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health", UriKind.Relative)));
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/alive", UriKind.Relative)));
        Assert.Contains("service_name=\"Isocenter.Thumbnails\"", await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/instances", UriKind.Relative))).StatusCode);

        Assert.Equal(0, await service.StopAsync());
        Assert.Contains("Application is shutting down", service.Log, StringComparison.Ordinal);
    }
}
