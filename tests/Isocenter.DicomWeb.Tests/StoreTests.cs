using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Isocenter.Dicom;

namespace Isocenter.DicomWeb.Tests;

/// <summary>
/// STOW-RS (PS3.18 10.5 Store Transaction) against the running archive: parts streamed into the object store, indexed before
/// the response, and the Store Instances Response (10.5.3) with its statuses.
/// </summary>
[Collection(DicomWebCollection.Name)]
public sealed class StoreTests(DicomWebArchive archive)
{
    [Fact]
    public async Task StoreInstances_SeveralParts_200IndexedAtOnceAndDatasetsAsSent_10_5()
    {
        var files = StowClient.Demo(series: 2);

        using var response = await archive.Client.PostAsync(new Uri("studies", UriKind.Relative), StowClient.Body(files.Select(f => File.ReadAllBytes(f.Path))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await StowClient.ReadAsync(response);
        var baseUrl = new Uri(archive.Client.BaseAddress!, "studies/").ToString();
        Assert.Equal(baseUrl + files[0].Study, body.GetString(DicomTag.RetrieveURL));
        Assert.Empty(StowClient.Items(body, DicomTag.FailedSOPSequence));
        var referenced = StowClient.Items(body, DicomTag.ReferencedSOPSequence);
        Assert.Equal(files.Select(f => f.Sop).Order(StringComparer.Ordinal), referenced.Select(r => r.GetString(DicomTag.ReferencedSOPInstanceUID)).Order(StringComparer.Ordinal));
        Assert.All(referenced, r => Assert.Equal("1.2.840.10008.5.1.4.1.1.2", r.GetString(DicomTag.ReferencedSOPClassUID)));
        Assert.Contains($"{baseUrl}{files[0].Study}/series/{files[0].Series}/instances/{files[0].Sop}", referenced.Select(r => r.GetString(DicomTag.RetrieveURL)));
        // Indexed before the response (ARCHITECTURE.md, STOW-RS): no waiting.
        var indexed = await archive.Running.IndexedAsync();
        Assert.All(files, f => Assert.Contains(f.Sop, indexed));
        foreach (var file in files)
        {
            Assert.Equal(Part10.DataSet(file.Path), Part10.DataSet(ObjectPath(file.Study, file.Series, file.Sop)));
        }
    }

    [Fact]
    public async Task StoreInstances_CorruptedPartAmongGood_202FailedC000OthersStored_10_5_3()
    {
        var files = StowClient.Demo(series: 1);
        var corrupted = File.ReadAllBytes(files[0].Path);
        var datasetStart = 144 + BitConverter.ToInt32(corrupted, 140);
        // The first data element's header becomes an undefined length on a string VR: the dataset cannot be parsed.
        Array.Fill(corrupted, (byte)0xFF, datasetStart + 4, 8);

        using var response = await archive.Client.PostAsync(new Uri("studies", UriKind.Relative), StowClient.Body(corrupted, File.ReadAllBytes(files[1].Path)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await StowClient.ReadAsync(response);
        var failed = Assert.Single(StowClient.Items(body, DicomTag.FailedSOPSequence));
        Assert.Equal(files[0].Sop, failed.GetString(DicomTag.ReferencedSOPInstanceUID));
        Assert.Equal((ushort)0xC000, failed.GetValue<ushort>(DicomTag.FailureReason));
        Assert.Equal(files[1].Sop, Assert.Single(StowClient.Items(body, DicomTag.ReferencedSOPSequence)).GetString(DicomTag.ReferencedSOPInstanceUID));
        var indexed = await archive.Running.IndexedAsync();
        Assert.Contains(files[1].Sop, indexed);
        Assert.DoesNotContain(files[0].Sop, indexed);
        Assert.False(File.Exists(ObjectPath(files[0].Study, files[0].Series, files[0].Sop)));
    }

    [Fact]
    public async Task StoreInstances_NoPartDicom_409EveryPartFailed_10_5_3()
    {
        using var response = await archive.Client.PostAsync(new Uri("studies", UriKind.Relative), StowClient.Body("not DICOM"u8.ToArray(), new byte[300]));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await StowClient.ReadAsync(response);
        Assert.Equal(2, StowClient.Items(body, DicomTag.FailedSOPSequence).Count(f => f.GetValue<ushort>(DicomTag.FailureReason) == 0xC000));
        Assert.Empty(StowClient.Items(body, DicomTag.ReferencedSOPSequence));
    }

    [Fact]
    public async Task StoreStudy_InstanceOfAnotherStudy_ThatOneFailedA900_10_5_1()
    {
        var mine = StowClient.Demo(series: 1);
        var other = StowClient.Demo(series: 1);

        using var response = await archive.Client.PostAsync(new Uri($"studies/{mine[0].Study}", UriKind.Relative),
            StowClient.Body(File.ReadAllBytes(mine[0].Path), File.ReadAllBytes(other[0].Path)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await StowClient.ReadAsync(response);
        var failed = Assert.Single(StowClient.Items(body, DicomTag.FailedSOPSequence));
        Assert.Equal(other[0].Sop, failed.GetString(DicomTag.ReferencedSOPInstanceUID));
        Assert.Equal((ushort)0xA900, failed.GetValue<ushort>(DicomTag.FailureReason));
        Assert.Contains(other[0].Study, failed.GetString(DicomTag.TextValue), StringComparison.Ordinal);
        Assert.DoesNotContain(other[0].Sop, await archive.Running.IndexedAsync());
    }

    [Theory]
    [InlineData("application/dicom")]
    [InlineData("multipart/related; type=\"application/dicom+xml\"; boundary=b")]
    public async Task StoreInstances_UnsupportedMediaType_415_10_5_1_1(string contentType)
    {
        using var content = new ByteArrayContent(File.ReadAllBytes(StowClient.Demo(series: 1)[0].Path));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await archive.Client.PostAsync(new Uri("studies", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=b", "no boundary line here")]
    [InlineData("multipart/related; type=\"application/dicom\"", "--b\r\n\r\nno boundary parameter\r\n--b--\r\n")]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=b", "--b\r\nContent-Type: application/dicom\r\n\r\nno closing boundary")]
    public async Task StoreInstances_MalformedMultipart_400(string contentType, string body)
    {
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await archive.Client.PostAsync(new Uri("studies", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task StoreInstances_CurlWithHandBuiltMultipart_200AndObjectsReadByPydicom()
    {
        var files = StowClient.Demo(series: 1);
        var body = Path.Combine(Path.GetDirectoryName(files[0].Path)!, "stow.body");
        await using (var stream = File.Create(body))
        {
            foreach (var file in files)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("--B0undary\r\nContent-Type: application/dicom\r\n\r\n"));
                await stream.WriteAsync(await File.ReadAllBytesAsync(file.Path));
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync("--B0undary--\r\n"u8.ToArray());
        }
        var answer = Path.Combine(Path.GetDirectoryName(body)!, "stow.json");

        var curl = await Dcmtk.RunAsync("curl", "-sS", "-o", answer, "-w", "%{http_code}", "-H", "Content-Type: multipart/related; type=\"application/dicom\"; boundary=B0undary",
            "-H", "Accept: application/dicom+json", "-H", "X-Api-Key: " + archive.ApiKey, "--data-binary", "@" + body, new Uri(archive.Client.BaseAddress!, "studies").ToString());

        Assert.True(curl.ExitCode == 0 && curl.Output.EndsWith("200", StringComparison.Ordinal), curl.ToString());
        var pydicom = await Dcmtk.RunAsync("/usr/bin/python3", ["-c",
            "import json, sys, pydicom\n"
            + "answer = json.load(open(sys.argv[1]))\n"
            + "print(len(answer['00081199']['Value']))\n"
            + "for path in sys.argv[2:]: print(pydicom.dcmread(path).SOPInstanceUID)",
            answer, .. files.Select(f => ObjectPath(f.Study, f.Series, f.Sop))]);
        Assert.True(pydicom.ExitCode == 0, pydicom.ToString());
        Assert.Equal(["2", .. files.Select(f => f.Sop)], pydicom.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task StoreInstances_BodyOverMaxStowBytes_413()
    {
        // DicomWeb:MaxStowBytes is 4 GiB by default; a body that says it is larger is refused before it is read.
        using var client = new System.Net.Sockets.TcpClient();
        var address = archive.Client.BaseAddress!;
        await client.ConnectAsync(address.Host, address.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST {address.AbsolutePath}studies HTTP/1.1\r\nHost: {address.Authority}\r\nX-Api-Key: {archive.ApiKey}\r\n"
            + "Content-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\nContent-Length: 5000000000\r\n\r\n--b\r\n"));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.StartsWith("HTTP/1.1 413 ", await reader.ReadLineAsync(), StringComparison.Ordinal);
    }

    private string ObjectPath(string study, string series, string sop) => Path.Combine(archive.ObjectsRoot, "instances", study, series, sop + ".dcm");
}
