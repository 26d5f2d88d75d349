using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;

namespace Isocenter.DicomWeb.Tests;

/// <summary>The metadata resources of the Retrieve Transaction (PS3.18 10.4.1.1.2, WADO-RS), answered from the index.</summary>
[Collection(DicomWebCollection.Name)]
public sealed class MetadataTests(DicomWebArchive archive)
{
    private DicomDataset First => archive.Instances.Values.Select(i => i.Dataset).OrderBy(d => d.GetString(DicomTag.SOPInstanceUID), StringComparer.Ordinal).First();

    private string Study => First.GetString(DicomTag.StudyInstanceUID)!;

    private string Series => First.GetString(DicomTag.SeriesInstanceUID)!;

    private string Sop => First.GetString(DicomTag.SOPInstanceUID)!;

    // PS3.18 10.4.1.1.2 and 10.4.3: the study's metadata is every instance's dataset as stored, bulk data aside.
    [Fact]
    public async Task RetrieveStudyMetadata_Study_EveryInstanceAsStoredWithoutBulkData()
    {
        var metadata = await RetrieveAsync($"studies/{Study}/metadata");

        var stored = archive.Instances.Values.Select(i => i.Dataset).Where(d => d.GetString(DicomTag.StudyInstanceUID) == Study).ToList();
        Assert.Equal(stored.Count, metadata.Count);
        foreach (var dataset in metadata)
        {
            var expected = stored.Single(d => d.GetString(DicomTag.SOPInstanceUID) == dataset.GetString(DicomTag.SOPInstanceUID)).Clone();
            expected.RemoveAll(e => e.Tag.Group == 0x0002 || e.Tag == DicomTag.PixelData);
            dataset.Remove(DicomTag.PixelData);
            Assert.Equal(DicomJson.Serialize(expected), DicomJson.Serialize(dataset));
        }
    }

    // Brotli compresses a response as one stream, not write by write: a study's metadata, whose instances repeat each
    // other's attributes, shrinks at least 8-fold (written 4 KB at a time at quality 1, it shrank 3.5-fold).
    [Fact]
    public async Task RetrieveStudyMetadata_AcceptEncodingBrotli_AtMostAnEighthOfTheJson()
    {
        async Task<(byte[] Body, string? Encoding)> GetAsync(string encoding)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"studies/{Study}/metadata", UriKind.Relative));
            request.Headers.AcceptEncoding.ParseAdd(encoding);
            using var response = await archive.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentEncoding.SingleOrDefault());
        }

        var (json, plain) = await GetAsync("identity");
        var (compressed, brotli) = await GetAsync("br");

        Assert.Null(plain);
        Assert.Equal("br", brotli);
        using var decompressed = new MemoryStream();
        await using (var body = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            await body.CopyToAsync(decompressed);
        }
        Assert.Equal(json, decompressed.ToArray());
        Assert.True(compressed.Length * 8 <= json.Length, $"{json.Length} bytes of JSON came out as {compressed.Length} bytes of Brotli");
    }

    // PS3.18 10.4.1.1.2 and Annex F: an instance's metadata is what pydicom reads from the stored file (Dataset.to_json_dict), pixel data aside.
    [Fact]
    public async Task RetrieveInstanceMetadata_Instance_EqualsPydicomsJsonOfTheFile()
    {
        var metadata = Assert.Single(await RetrieveAsync($"studies/{Study}/series/{Series}/instances/{Sop}/metadata"));
        metadata.Remove(DicomTag.PixelData);
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { "-c", "import json, sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); del ds.PixelData; print(json.dumps(ds.to_json_dict()))", archive.Instances[Sop].Path },
            RedirectStandardOutput = true,
        };
        using var python = Process.Start(start)!;
        var pydicom = JsonDocument.Parse(await python.StandardOutput.ReadToEndAsync()).RootElement;
        await python.WaitForExitAsync();

        Assert.Equal(0, python.ExitCode);
        AssertSameJson(pydicom, JsonDocument.Parse(DicomJson.Serialize(metadata)).RootElement, "");
    }

    // PS3.18 10.4.1.1.2 and F.2.6: series and instance metadata; Pixel Data as a BulkDataURI of the bulk data resource.
    [Fact]
    public async Task RetrieveSeriesAndInstanceMetadata_PixelDataAsBulkDataUri()
    {
        var series = await RetrieveAsync($"studies/{Study}/series/{Series}/metadata");
        var instance = Assert.Single(await RetrieveAsync($"studies/{Study}/series/{Series}/instances/{Sop}/metadata"));

        Assert.Equal(archive.Instances.Values.Count(i => i.Dataset.GetString(DicomTag.SeriesInstanceUID) == Series), series.Count);
        Assert.Equal(Sop, instance.GetString(DicomTag.SOPInstanceUID));
        var pixelData = Assert.IsType<DicomValueElement>(instance[DicomTag.PixelData]);
        Assert.Equal(DicomVR.OW, pixelData.VR);
        var uri = Assert.IsType<DicomBulkDataUriBuffer>(pixelData.Buffer).Uri;
        Assert.Equal(new Uri(archive.Client.BaseAddress!, $"studies/{Study}/series/{Series}/instances/{Sop}/bulkdata/7FE00010"), uri);
    }

    // PS3.18 10.4.3 and 8.6.3: a study, series or instance the archive does not hold is a 404.
    [Theory]
    [InlineData("studies/1.2.3.999/metadata")]
    [InlineData("studies/{study}/series/1.2.3.999/metadata")]
    [InlineData("studies/{study}/series/{series}/instances/1.2.3.999/metadata")]
    public async Task RetrieveMetadata_NotInArchive_404(string template)
    {
        using var response = await archive.Client.GetAsync(new Uri(template.Replace("{study}", Study).Replace("{series}", Series), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // RFC 9110 8.8 and 13.1: a strong ETag and Last-Modified; If-None-Match and If-Modified-Since answer 304.
    [Fact]
    public async Task RetrieveSeriesMetadata_Validators_304WhenUnchanged()
    {
        var uri = new Uri($"studies/{Study}/series/{Series}/metadata", UriKind.Relative);
        using var first = await archive.Client.GetAsync(uri);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;
        Assert.False(etag.IsWeak);

        using var byTag = await SendAsync(uri, r => r.Headers.IfNoneMatch.Add(etag));
        using var byDate = await SendAsync(uri, r => r.Headers.IfModifiedSince = lastModified);
        using var otherTag = await SendAsync(uri, r => r.Headers.IfNoneMatch.ParseAdd("\"other\""));
        using var earlier = await SendAsync(uri, r => r.Headers.IfModifiedSince = lastModified.AddSeconds(-1));
        using var xml = await SendAsync(uri, r => r.Headers.Accept.ParseAdd("multipart/related; type=\"application/dicom+xml\""));

        Assert.Equal(HttpStatusCode.NotModified, byTag.StatusCode);
        Assert.Equal(etag, byTag.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, byDate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
        Assert.Equal(HttpStatusCode.OK, earlier.StatusCode);
        Assert.NotEqual(etag, xml.Headers.ETag); // another representation, another strong validator
    }

    // PS3.18 10.4.1.2: metadata as multipart/related; type="application/dicom+xml" reads back as the JSON does.
    [Fact]
    public async Task RetrieveSeriesMetadata_AcceptXml_SameDatasetsAsJson()
    {
        var json = await RetrieveAsync($"studies/{Study}/series/{Series}/metadata");
        using var response = await SendAsync(new Uri($"studies/{Study}/series/{Series}/metadata", UriKind.Relative),
            r => r.Headers.Accept.ParseAdd("multipart/related; type=\"application/dicom+xml\""));

        var xml = await QidoTests.ReadXmlPartsAsync(response);

        Assert.Equal(json.Select(d => DicomJson.Serialize(d)), xml.Select(d => DicomJson.Serialize(d)));
    }

    /// <summary>Equal DICOM JSON objects: the same attributes and VRs; numbers (DS, IS, binary) equal as numbers, whatever their spelling.</summary>
    private static void AssertSameJson(JsonElement expected, JsonElement actual, string path)
    {
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), actual.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var attribute in expected.EnumerateObject())
        {
            var where = path + attribute.Name;
            var (e, a) = (attribute.Value, actual.GetProperty(attribute.Name));
            Assert.Equal(e.GetProperty("vr").GetString(), a.GetProperty("vr").GetString());
            var hasValue = e.TryGetProperty("Value", out var values);
            Assert.Equal(hasValue, a.TryGetProperty("Value", out var actualValues));
            if (!hasValue)
            {
                continue;
            }
            var pairs = values.EnumerateArray().Zip(actualValues.EnumerateArray()).ToList();
            Assert.Equal(values.GetArrayLength(), actualValues.GetArrayLength());
            foreach (var (item, (x, y)) in pairs.Index())
            {
                if (x.ValueKind == JsonValueKind.Object && e.GetProperty("vr").GetString() == "SQ")
                {
                    AssertSameJson(x, y, $"{where}/{item}/");
                }
                else if (x.ValueKind == JsonValueKind.Number || y.ValueKind == JsonValueKind.Number)
                {
                    Assert.True(Number(x) == Number(y), $"{where}: {x} != {y}");
                }
                else
                {
                    Assert.True(JsonElement.DeepEquals(x, y), $"{where}: {x} != {y}");
                }
            }
        }
    }

    private static double Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    private async Task<List<DicomDataset>> RetrieveAsync(string uri)
    {
        using var response = await archive.Client.GetAsync(new Uri(uri, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{uri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return DicomJson.DeserializeList(await response.Content.ReadAsStreamAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, Action<HttpRequestMessage> configure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        configure(request);
        return await archive.Client.SendAsync(request);
    }
}
