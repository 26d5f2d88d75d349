using System.Net;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs.JpegLS;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.DicomWeb.Tests;

/// <summary>WADO-RS (PS3.18 10.4): instances, frames and bulk data, against the archive and peers (DCMTK, pydicom).</summary>
[Collection(DicomWebCollection.Name)]
public sealed class RetrieveTests(DicomWebArchive archive)
{
    private const string Python = "/usr/bin/python3";
    private const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";
    private const string JpegLSLossless = "1.2.840.10008.1.2.4.80";
    private const string AsStored = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    private (string Study, string Series, string Instance, string Path) AnyInstance()
    {
        var (path, dataset) = archive.Instances.Values.OrderBy(i => i.Path, StringComparer.Ordinal).First();
        return (dataset.GetString(DicomTag.StudyInstanceUID)!, dataset.GetString(DicomTag.SeriesInstanceUID)!, dataset.GetString(DicomTag.SOPInstanceUID)!, path);
    }

    private static Uri InstanceUri((string Study, string Series, string Instance, string Path) i, string rest = "") =>
        new($"studies/{i.Study}/series/{i.Series}/instances/{i.Instance}{rest}", UriKind.Relative);

    private async Task<HttpResponseMessage> GetAsync(Uri uri, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        return await archive.Client.SendAsync(request);
    }

    private static DicomFile Open(byte[] part10) => DicomFile.Open(new MemoryStream(part10));

    /// <summary>The dataset of the received Part 10 bytes is the sent file's, byte for byte (the File Meta Information may differ).</summary>
    private static async Task AssertSameDataSetAsync(string sent, byte[] received)
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, received);
            Assert.Equal(Part10.DataSet(sent), Part10.DataSet(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // PS3.18 10.4.1.1.1, 8.7.3.5.2: transfer-syntax=* gives each instance as it is stored, the dataset byte for byte as sent.
    [Fact]
    public async Task RetrieveInstance_TransferSyntaxAsStored_DatasetByteIdenticalToSentFile()
    {
        var instance = AnyInstance();

        using var response = await GetAsync(InstanceUri(instance), "multipart/related; type=\"application/dicom\"; transfer-syntax=*");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal("application/dicom", part.ContentType.MediaType);
        await AssertSameDataSetAsync(instance.Path, part.Content);
    }

    // PS3.18 10.4.1.1.1, 8.7.3.5.2: without an Accept header, the instances of a series in Explicit VR Little Endian.
    [Fact]
    public async Task RetrieveSeries_NoAccept_EveryInstanceOfTheSeriesInExplicitVRLittleEndian()
    {
        var instance = AnyInstance();
        var expected = archive.Instances.Values.Where(i => i.Dataset.GetString(DicomTag.SeriesInstanceUID) == instance.Series)
            .Select(i => i.Dataset.GetString(DicomTag.SOPInstanceUID)).Order(StringComparer.Ordinal).ToList();

        using var response = await GetAsync(new Uri($"studies/{instance.Study}/series/{instance.Series}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var type = response.Content.Headers.ContentType!;
        Assert.Equal("\"application/dicom\"", type.Parameters.Single(p => p.Name == "type").Value);
        Assert.Equal(ExplicitVRLittleEndian, type.Parameters.Single(p => p.Name == "transfer-syntax").Value);
        var parts = await Multipart.ReadAsync(response);
        Assert.All(parts, p => Assert.Equal(ExplicitVRLittleEndian, p.TransferSyntax));
        Assert.Equal(expected, parts.Select(p => Open(p.Content).Dataset.GetString(DicomTag.SOPInstanceUID)).Order(StringComparer.Ordinal).ToList());
    }

    // PS3.18 10.4.1.1.1, 8.7.3.5.2; RFC 9112 6.3: instances as stored have lengths the index knows, so the response declares
    // its Content-Length (a client reads it in large pieces) and is exactly that long.
    [Fact]
    public async Task RetrieveSeries_TransferSyntaxAsStored_ContentLengthDeclaredAndExact()
    {
        var instance = AnyInstance();
        var expected = archive.Instances.Values.Count(i => i.Dataset.GetString(DicomTag.SeriesInstanceUID) == instance.Series);

        using var response = await GetAsync(new Uri($"studies/{instance.Study}/series/{instance.Series}", UriKind.Relative), AsStored);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(expected, (await Multipart.ReadAsync(response)).Count);
    }

    // A transcoded instance's length is known only once it is written: the response is chunked.
    [Fact]
    public async Task RetrieveInstance_Transcoded_Chunked()
    {
        var instance = AnyInstance();
        var stored = Open(await File.ReadAllBytesAsync(instance.Path)).TransferSyntax;
        var other = stored == DicomTransferSyntax.ImplicitVRLittleEndian ? DicomTransferSyntax.ExplicitVRLittleEndian : DicomTransferSyntax.ImplicitVRLittleEndian;

        using var response = await GetAsync(InstanceUri(instance), $"multipart/related; type=\"application/dicom\"; transfer-syntax={other.Uid}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Single(await Multipart.ReadAsync(response));
    }

    // An object replaced by one of another size since it was indexed: before the first byte the response goes chunked and
    // carries what is stored; after it, the response is cut short (the client sees an error, never a wrong body).
    [Fact]
    public async Task RetrieveSeries_ObjectChangedSizeSinceIndexed_ChunkedIfFirstElseCutShort()
    {
        var instance = AnyInstance();
        var series = new Uri($"studies/{instance.Study}/series/{instance.Series}", UriKind.Relative);
        List<string?> order;
        using (var before = await GetAsync(series, AsStored))
        {
            order = [.. (await Multipart.ReadAsync(before)).Select(p => Open(p.Content).Dataset.GetString(DicomTag.SOPInstanceUID))];
        }
        Assert.True(order.Count >= 2, "the test needs a series of two instances or more");
        string ObjectOf(string? sop) => Path.Combine(archive.ObjectsRoot, "instances", instance.Study, instance.Series, $"{sop}.dcm");

        foreach (var (changed, first) in new[] { (order[0], true), (order[1], false) })
        {
            var path = ObjectOf(changed);
            var original = await File.ReadAllBytesAsync(path);
            await File.WriteAllBytesAsync(path, [.. original, .. new byte[16]]);
            try
            {
                if (first)
                {
                    using var response = await GetAsync(series, AsStored);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.True(response.Headers.TransferEncodingChunked);
                    Assert.Equal(original.Length + 16, (await Multipart.ReadAsync(response))[0].Content.Length);
                }
                else
                {
                    await Assert.ThrowsAnyAsync<HttpRequestException>(() => GetAsync(series, AsStored));
                }
            }
            finally
            {
                await File.WriteAllBytesAsync(path, original);
            }
        }
    }

    // PS3.18 10.4.1.1.1: a study is every instance of every series.
    [Fact]
    public async Task RetrieveStudy_AcceptDicom_EveryInstanceOfTheStudy()
    {
        var instance = AnyInstance();
        var expected = archive.Instances.Values.Count(i => i.Dataset.GetString(DicomTag.StudyInstanceUID) == instance.Study);

        using var response = await GetAsync(new Uri($"studies/{instance.Study}", UriKind.Relative), "multipart/related; type=\"application/dicom\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await Multipart.ReadAsync(response);
        Assert.Equal(expected, parts.Count);
        Assert.All(parts, p => Assert.Equal(instance.Study, Open(p.Content).Dataset.GetString(DicomTag.StudyInstanceUID)));
    }

    // PS3.18 8.6.3 (404): the target resource does not exist.
    [Fact]
    public async Task RetrieveStudy_UnknownStudy_404()
    {
        using var response = await GetAsync(new Uri("studies/1.2.3.999999", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // PS3.18 8.6.3 (400): a study UID that is not a UID (PS3.5 9.1).
    [Fact]
    public async Task RetrieveStudy_MalformedUid_400()
    {
        using var response = await GetAsync(new Uri("studies/1.2.x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    // PS3.18 8.7.3 (406): neither the media type nor the transfer syntax asked for can be produced.
    [Theory]
    [InlineData("image/png")]
    [InlineData("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.3.4.5")]
    public async Task RetrieveInstance_NothingAcceptable_406(string accept)
    {
        using var response = await GetAsync(InstanceUri(AnyInstance()), accept);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    // PS3.18 8.7.3.5.2: another native transfer syntax on request, the same pixels.
    [Theory]
    [InlineData("1.2.840.10008.1.2")]
    [InlineData("1.2.840.10008.1.2.2")]
    public async Task RetrieveInstance_OtherNativeTransferSyntax_WrittenInItWithTheSamePixels(string transferSyntax)
    {
        var instance = AnyInstance();
        var expected = ((DicomValueElement)DicomFile.Open(instance.Path).Dataset[DicomTag.PixelData]!).Buffer.Memory.ToArray();

        using var response = await GetAsync(InstanceUri(instance), $"multipart/related; type=\"application/dicom\"; transfer-syntax={transferSyntax}");

        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal(transferSyntax, part.TransferSyntax);
        var file = Open(part.Content);
        Assert.Equal(transferSyntax, file.TransferSyntax.Uid);
        Assert.Equal(expected, ((DicomValueElement)file.Dataset[DicomTag.PixelData]!).Buffer.Memory.ToArray());
    }

    // PS3.18 8.7.3.5.2: an instance stored in JPEG-LS is transcoded to the default Explicit VR Little Endian, losslessly.
    [Fact]
    public async Task RetrieveInstance_StoredJpegLS_TranscodedToExplicitVRLittleEndianLosslessly()
    {
        var study = await CompressedStudy.GetAsync(archive);

        using var response = await GetAsync(study.Instance(study.JpegLSSeries, study.JpegLSInstance), "multipart/related; type=\"application/dicom\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal(ExplicitVRLittleEndian, part.TransferSyntax);
        var file = Open(part.Content);
        Assert.Equal(ExplicitVRLittleEndian, file.TransferSyntax.Uid);
        Assert.Equal(study.JpegLSInstance, file.Dataset.GetString(DicomTag.SOPInstanceUID));
        Assert.Equal(study.OriginalPixels, ((DicomValueElement)file.Dataset[DicomTag.PixelData]!).Buffer.Memory.ToArray());
    }

    // PS3.18 8.7.3.5.2: transfer-syntax=* keeps the stored JPEG-LS, byte for byte.
    [Fact]
    public async Task RetrieveInstance_StoredJpegLSAsStored_JpegLSDatasetAsSent()
    {
        var study = await CompressedStudy.GetAsync(archive);

        using var response = await GetAsync(study.Instance(study.JpegLSSeries, study.JpegLSInstance), "multipart/related; type=\"application/dicom\"; transfer-syntax=*");

        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal(JpegLSLossless, part.TransferSyntax);
        Assert.Null(response.Content.Headers.ContentType!.Parameters.FirstOrDefault(p => p.Name == "transfer-syntax"));
        await AssertSameDataSetAsync(study.JpegLSPath, part.Content);
    }

    // PS3.18 10.4.1.1.6, 8.7.3.5.1: frames by default are uncompressed, little endian, one part each, as pydicom decodes them.
    [Fact]
    public async Task RetrieveFrames_StoredRle_UncompressedFramesEqualPydicomDecode()
    {
        var study = await CompressedStudy.GetAsync(archive);
        var decoded = Path.GetTempFileName();
        try
        {
            var python = await Dcmtk.RunAsync(Python, "-c",
                "import sys, pydicom; a = pydicom.dcmread(sys.argv[1]).pixel_array; open(sys.argv[2], 'wb').write(a.tobytes())", study.RlePath, decoded);
            Assert.True(python.ExitCode == 0, python.ToString());
            var pixels = await File.ReadAllBytesAsync(decoded);

            using var response = await GetAsync(study.Instance(study.RleSeries, study.RleInstance, "/frames/2,1"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\"application/octet-stream\"", response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "type").Value);
            var parts = await Multipart.ReadAsync(response);
            Assert.Equal(2, parts.Count);
            Assert.All(parts, p => Assert.Equal("application/octet-stream", p.ContentType.MediaType));
            var half = pixels.Length / 2;
            Assert.Equal(pixels[half..], parts[0].Content);
            Assert.Equal(pixels[..half], parts[1].Content);
        }
        finally
        {
            File.Delete(decoded);
        }
    }

    // PS3.18 10.4.1.1.6, 8.7.3.5: image/jls when stored in JPEG-LS is the stored bitstream, not re-encoded.
    [Fact]
    public async Task RetrieveFrames_StoredJpegLSAcceptJls_StoredBitstream()
    {
        var study = await CompressedStudy.GetAsync(archive);
        var expected = DicomPixelData.Create(DicomFile.Open(study.JpegLSPath)).GetEncodedFrame(0).ToArray();

        using var response = await GetAsync(study.Instance(study.JpegLSSeries, study.JpegLSInstance, "/frames/1"), "multipart/related; type=\"image/jls\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal("image/jls", part.ContentType.MediaType);
        Assert.Equal(JpegLSLossless, part.TransferSyntax);
        Assert.Equal(expected, part.Content);
    }

    // PS3.18 10.4.1.1.6, 8.7.3.5: image/jls of a native instance is a JPEG-LS lossless bitstream of the frame (transcoded).
    [Fact]
    public async Task RetrieveFrames_NativeInstanceAcceptJls_LosslessJpegLSOfTheFrame()
    {
        var instance = AnyInstance();
        var pixelData = DicomPixelData.Create(DicomFile.Open(instance.Path));

        using var response = await GetAsync(InstanceUri(instance, "/frames/1"), "multipart/related; type=\"image/jls\"");

        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal("image/jls", part.ContentType.MediaType);
        Assert.Equal(JpegLSLossless, part.TransferSyntax);
        var decoded = new byte[pixelData.FrameLength];
        new JpegLSCodec(DicomTransferSyntax.JPEGLSLossless).Decode(pixelData, part.Content, decoded);
        // JPEG-LS keeps Bits Stored bits (a signed sample as its two's complement pattern in them, as dcmcjpls does).
        Assert.Equal(StoredBits(pixelData, pixelData.GetNativeFrame(0)), StoredBits(pixelData, decoded));
    }

    private static ushort[] StoredBits(DicomPixelData pixelData, byte[] frame)
    {
        Assert.Equal(16, pixelData.BitsAllocated);
        var mask = (ushort)((1 << pixelData.BitsStored) - 1);
        return [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(frame).ToArray().Select(s => (ushort)(s & mask))];
    }

    // PS3.18 10.4.1.1.6: a native instance's frame, uncompressed, is its pixel data (the type parameter quoted or not, as OHIF sends it).
    [Theory]
    [InlineData("multipart/related; type=\"application/octet-stream\"")]
    [InlineData("multipart/related; type=application/octet-stream; transfer-syntax=*")]
    public async Task RetrieveFrames_NativeInstance_FrameIsThePixelData(string accept)
    {
        var instance = AnyInstance();
        var expected = ((DicomValueElement)DicomFile.Open(instance.Path).Dataset[DicomTag.PixelData]!).Buffer.Memory.ToArray();

        using var response = await GetAsync(InstanceUri(instance, "/frames/1"), accept);

        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal(expected, part.Content);
    }

    // PS3.18 8.6.3: frame 0 and non-numbers are malformed (400); a frame past the last does not exist (404).
    [Theory]
    [InlineData("0", HttpStatusCode.BadRequest)]
    [InlineData("1,x", HttpStatusCode.BadRequest)]
    [InlineData("2", HttpStatusCode.NotFound)]
    public async Task RetrieveFrames_BadFrameNumber_400Or404(string frames, HttpStatusCode expected)
    {
        using var response = await GetAsync(InstanceUri(AnyInstance(), $"/frames/{frames}"));

        Assert.Equal(expected, response.StatusCode);
    }

    // PS3.18 10.4.1.1.5: the BulkDataURI of Pixel Data (…/bulkdata/7FE00010) gives its frames.
    [Fact]
    public async Task RetrieveBulkdata_PixelData_ThePixelData()
    {
        var instance = AnyInstance();
        var expected = ((DicomValueElement)DicomFile.Open(instance.Path).Dataset[DicomTag.PixelData]!).Buffer.Memory.ToArray();

        using var response = await GetAsync(InstanceUri(instance, "/bulkdata/7FE00010"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal("application/octet-stream", part.ContentType.MediaType);
        Assert.Equal(expected, part.Content);
    }

    // PS3.18 10.4.1.1.5: any other element's value, little endian, as one octet-stream part.
    [Fact]
    public async Task RetrieveBulkdata_OtherElement_ItsValue()
    {
        var instance = AnyInstance();

        using var response = await GetAsync(InstanceUri(instance, "/bulkdata/00080018"));

        var part = Assert.Single(await Multipart.ReadAsync(response));
        Assert.Equal(instance.Instance, System.Text.Encoding.ASCII.GetString(part.Content).TrimEnd('\0'));
    }

    // PS3.18 8.6.3: an element the instance does not have (404), a path that is not one (400).
    [Theory]
    [InlineData("00291010", HttpStatusCode.NotFound)]
    [InlineData("7FE0", HttpStatusCode.BadRequest)]
    [InlineData("00080018/x/00080018", HttpStatusCode.BadRequest)]
    public async Task RetrieveBulkdata_BadPath_404Or400(string path, HttpStatusCode expected)
    {
        using var response = await GetAsync(InstanceUri(AnyInstance(), $"/bulkdata/{path}"));

        Assert.Equal(expected, response.StatusCode);
    }
}
