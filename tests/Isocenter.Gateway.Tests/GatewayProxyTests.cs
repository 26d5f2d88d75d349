using System.Net;
using System.Net.Http.Json;
using Isocenter.Gateway.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;

namespace Isocenter.Gateway.Tests;

/// <summary>The routes' behaviour beyond authentication: render affinity, an unconfigured cluster, forwarded headers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayProxyTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Render_SameSeries_AlwaysTheSameBackend_DifferentSeriesSpread()
    {
        var user = "render-" + Guid.NewGuid().ToString("N");
        var answers = new Dictionary<string, HashSet<string>>();
        foreach (var series in Enumerable.Range(1, 6).Select(i => $"1.2.826.0.1.3680043.8.498.77.{i}"))
        {
            foreach (var resource in new[] { $"/render/series/{series}/slab", $"/render/studies/1.2.3/series/{series}/rendered", $"/render/volume?SeriesInstanceUID={series}" })
            {
                using var response = await gateway.GetAsUserAsync(resource, user);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                (answers.TryGetValue(series, out var backends) ? backends : answers[series] = []).Add(await response.Content.ReadAsStringAsync());
            }
        }

        Assert.All(answers.Values, backends => Assert.Single(backends));
        Assert.Equal(2, answers.Values.Select(backends => backends.Single()).Distinct().Count());
    }

    [Theory]
    [InlineData("/api/activity", "dicomweb")] // the DICOMweb service's feed, before the /api catch-all
    [InlineData("/api/activity/more", "api")]
    [InlineData("/api/worklists", "api")]
    public async Task Api_ActivityFeedToDicomWeb_RestToApi(string path, string backend)
    {
        var marker = Guid.NewGuid().ToString("N");

        using var response = await gateway.GetAsUserAsync($"{path}?probe={marker}", "alice");

        Assert.Equal(backend, await response.Content.ReadAsStringAsync());
        Assert.Equal(backend, Assert.Single(gateway.ReceivedWith(marker)).Backend.Name);
    }

    [Theory]
    [InlineData("/api/dicom-nodes")] // the bare path and those below it
    [InlineData("/api/dicom-nodes/PACS/studies")]
    [InlineData("/api/retrievals")]
    [InlineData("/api/sends/0b6f")]
    [InlineData("/api/forward-rules/research")]
    public async Task Api_PacsResources_ToThePacsService(string path)
    {
        var marker = Guid.NewGuid().ToString("N");

        using var response = await gateway.GetAsUserAsync($"{path}?probe={marker}", "pacs-admin");

        Assert.Equal("pacs", Assert.Single(gateway.ReceivedWith(marker)).Backend.Name);
    }

    [Fact]
    public async Task Api_NoDestinationConfigured_503WithProblem()
    {
        await using var unconfigured = await gateway.StartGatewayAsync(new Dictionary<string, string?>());
        using var client = new HttpClient { BaseAddress = new Uri(unconfigured.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/worklists");
        request.Headers.Authorization = new("Bearer", gateway.Token("alice"));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Contains("'api'", problem?.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_ForwardedByKnownProxy_ClientAddressForwarded()
    {
        var marker = Guid.NewGuid().ToString("N");

        // The test client is on loopback, a known proxy by default: its X-Forwarded-* are the original client's.
        using var response = await gateway.GetAsUserAsync($"/dicomweb/studies?probe={marker}", "bob",
            ("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "pacs.example.org"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, received) = Assert.Single(gateway.ReceivedWith(marker));
        Assert.Equal("203.0.113.7", received.Headers["X-Forwarded-For"]);
        Assert.Equal("https", received.Headers["X-Forwarded-Proto"]);
        Assert.Equal("pacs.example.org", received.Headers["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task DicomWeb_UploadAboveKestrelDefaultLimit_StreamedToBackend()
    {
        var marker = Guid.NewGuid().ToString("N");
        const long size = 40L << 20; // Kestrel refuses bodies above 30 MB unless the route lifts the limit (STOW-RS of a study)
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dicomweb/studies?probe={marker}")
        {
            Content = new StreamContent(new ZeroStream(size)),
        };
        request.Headers.Authorization = new("Bearer", gateway.Token("uploader"));

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size, Assert.Single(gateway.ReceivedWith(marker)).Request.BodyLength);
    }

    [Fact]
    public void Create_NoAuthorityNorKey_Refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GatewayHost.Create(["--urls", "http://127.0.0.1:0"]));

        Assert.Contains("Gateway:Auth", error.Message, StringComparison.Ordinal);
    }

    /// <summary><c>length</c> zero bytes, read without ever being held.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, read);
            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
