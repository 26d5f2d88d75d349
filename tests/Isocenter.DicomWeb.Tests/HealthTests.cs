using System.Net;

namespace Isocenter.DicomWeb.Tests;

/// <summary>The service as a process: health, and errors as ProblemDetails.</summary>
[Collection(DicomWebCollection.Name)]
public sealed class HealthTests(DicomWebArchive archive)
{
    [Fact]
    public async Task Health_IndexObjectStoreAndBroker_Healthy()
    {
        using var response = await archive.Client.GetAsync(new Uri(archive.Running.DicomWeb!.BaseAddress, "health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownResource_404AsProblemDetails()
    {
        using var response = await archive.Client.GetAsync(new Uri("no-such-resource", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
