using System.Net;
using System.Net.Http.Headers;
using Isocenter.Dicom;

namespace Isocenter.DicomWeb.Tests;

/// <summary>Rendered resources and thumbnails (PS3.18 10.4.1.1.3, 10.4.1.1.4), each image checked by decoding it with Pillow.</summary>
[Collection(DicomWebCollection.Name)]
public sealed class RenderedTests(DicomWebArchive archive)
{
    /// <summary>The Debian python3 with pydicom and Pillow (not whichever python3 comes first on PATH).</summary>
    private const string Python = "/usr/bin/python3";

    private Uri Instance(string rest)
    {
        var dataset = archive.Instances.Values.OrderBy(i => i.Path, StringComparer.Ordinal).First().Dataset;
        return new Uri($"studies/{dataset.GetString(DicomTag.StudyInstanceUID)}/series/{dataset.GetString(DicomTag.SeriesInstanceUID)}"
            + $"/instances/{dataset.GetString(DicomTag.SOPInstanceUID)}{rest}", UriKind.Relative);
    }

    private async Task<HttpResponseMessage> GetAsync(Uri uri, string? accept = null, EntityTagHeaderValue? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }
        return await archive.Client.SendAsync(request);
    }

    /// <summary>"FORMAT width height mode" as Pillow reads <paramref name="image"/>.</summary>
    private static async Task<string> DecodeAsync(byte[] image)
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, image);
            var run = await Dcmtk.RunAsync(Python, "-c",
                "import sys; from PIL import Image; i = Image.open(sys.argv[1]); i.load(); print(i.format, i.size[0], i.size[1], i.mode)", path);
            Assert.True(run.ExitCode == 0, run.ToString());
            return run.Output.Trim();
        }
        finally
        {
            File.Delete(path);
        }
    }

    // PS3.18 10.4.1.1.3, 8.3.5.1.3: image/jpeg by default, scaled to the viewport (the 64×64 slice to 32×32).
    [Fact]
    public async Task RetrieveRendered_Viewport_JpegOfTheViewportSize()
    {
        using var response = await GetAsync(Instance("/rendered?viewport=32,32&quality=80&window=40,400,linear"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("JPEG 32 32 L", await DecodeAsync(await response.Content.ReadAsByteArrayAsync()));
    }

    // PS3.18 10.4.1.1.3: image/png on request, at the frame's size without a viewport.
    [Fact]
    public async Task RetrieveRendered_AcceptPng_PngOfTheFrameSize()
    {
        using var response = await GetAsync(Instance("/rendered"), "image/png");

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("PNG 64 64 L", await DecodeAsync(await response.Content.ReadAsByteArrayAsync()));
    }

    // PS3.18 8.3.3.1: the accept query parameter takes the place of the Accept header.
    [Fact]
    public async Task RetrieveRendered_AcceptQueryParameter_OverridesHeader()
    {
        using var response = await GetAsync(Instance("/rendered?accept=image/png"), "image/jpeg");

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    // PS3.18 8.3.5.1.3: viewport=vw,vh,sx,sy,sw,sh crops the source region, then scales it to fit the viewport.
    [Fact]
    public async Task RetrieveRendered_ViewportWithSourceRegion_CroppedAndScaled()
    {
        using var response = await GetAsync(Instance("/rendered?viewport=40,40,0,16,32,16"), "image/png");

        Assert.Equal("PNG 40 20 L", await DecodeAsync(await response.Content.ReadAsByteArrayAsync()));
    }

    // RFC 9110 13.1.2: If-None-Match with the ETag of the same rendering is 304 Not Modified; other parameters, another ETag.
    [Fact]
    public async Task RetrieveRendered_IfNoneMatchItsETag_304()
    {
        using var first = await GetAsync(Instance("/rendered?viewport=16,16"));
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = await GetAsync(Instance("/rendered?viewport=16,16"), ifNoneMatch: etag);
        using var other = await GetAsync(Instance("/rendered?viewport=17,17"), ifNoneMatch: etag);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    // PS3.18 8.6.3 (400) for malformed rendering parameters, 8.7 (406) for a media type that is not an image.
    [Theory]
    [InlineData("/rendered?quality=0", null, HttpStatusCode.BadRequest)]
    [InlineData("/rendered?viewport=32", null, HttpStatusCode.BadRequest)]
    [InlineData("/rendered?window=40,0", null, HttpStatusCode.BadRequest)]
    [InlineData("/rendered?viewport=8,8,60,60,10,10", null, HttpStatusCode.BadRequest)]
    [InlineData("/frames/2/rendered", null, HttpStatusCode.NotFound)]
    [InlineData("/rendered", "application/dicom", HttpStatusCode.NotAcceptable)]
    public async Task RetrieveRendered_BadRequest_Status(string rest, string? accept, HttpStatusCode expected)
    {
        using var response = await GetAsync(Instance(rest), accept);

        Assert.Equal(expected, response.StatusCode);
    }

    // PS3.18 10.4.1.1.3: a frame of a multi-frame colour (RLE) instance rendered as an RGB JPEG.
    [Fact]
    public async Task RetrieveRenderedFrame_SecondFrameOfRgbRle_RgbJpeg()
    {
        var study = await CompressedStudy.GetAsync(archive);

        using var response = await GetAsync(study.Instance(study.RleSeries, study.RleInstance, "/frames/2/rendered"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("JPEG 100 100 RGB", await DecodeAsync(await response.Content.ReadAsByteArrayAsync()));
    }

    // PS3.18 10.4.1.1.4: with no thumbnail from the thumbnail service, a series' thumbnail is rendered (never enlarged past the frame).
    [Fact]
    public async Task RetrieveThumbnail_SeriesWithoutStoredThumbnail_RenderedJpeg()
    {
        var dataset = archive.Instances.Values.First().Dataset;

        using var response = await GetAsync(new Uri($"studies/{dataset.GetString(DicomTag.StudyInstanceUID)}/series/{dataset.GetString(DicomTag.SeriesInstanceUID)}/thumbnail", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("JPEG 64 64 L", await DecodeAsync(await response.Content.ReadAsByteArrayAsync()));
        Assert.NotNull(response.Headers.ETag);
    }

    // PS3.18 10.4.1.1.4: a series' thumbnail is the one the thumbnail service stored (thumbnails/{study}/{series}.jpg), as it is.
    [Fact]
    public async Task RetrieveThumbnail_SeriesWithStoredThumbnail_TheStoredJpeg()
    {
        var study = await CompressedStudy.GetAsync(archive);
        using var rendered = await GetAsync(study.Instance(study.RleSeries, study.RleInstance, "/rendered?viewport=10,10"));
        var stored = await rendered.Content.ReadAsByteArrayAsync();
        var path = Path.Combine(archive.ObjectsRoot, "thumbnails", study.Study, $"{study.RleSeries}.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, stored);

        using var response = await GetAsync(new Uri($"studies/{study.Study}/series/{study.RleSeries}/thumbnail", UriKind.Relative));

        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(stored, await response.Content.ReadAsByteArrayAsync());
    }

    // PS3.18 10.4.1.1.4: a study's thumbnail is its first series', an instance's its own; an unknown series has none (404).
    [Fact]
    public async Task RetrieveThumbnail_StudyAndInstance_JpegAndUnknownSeries404()
    {
        var dataset = archive.Instances.Values.First().Dataset;
        var study = dataset.GetString(DicomTag.StudyInstanceUID);

        using var ofStudy = await GetAsync(new Uri($"studies/{study}/thumbnail", UriKind.Relative));
        using var ofInstance = await GetAsync(Instance("/thumbnail"), "image/png");
        using var unknown = await GetAsync(new Uri($"studies/{study}/series/1.2.3.999/thumbnail", UriKind.Relative));

        Assert.Equal("JPEG 64 64 L", await DecodeAsync(await ofStudy.Content.ReadAsByteArrayAsync()));
        Assert.Equal("PNG 64 64 L", await DecodeAsync(await ofInstance.Content.ReadAsByteArrayAsync()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
