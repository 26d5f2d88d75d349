using System.Globalization;
using Isocenter.Cli.Echo;
using Isocenter.Cli.Find;
using Isocenter.Cli.Listen;
using Isocenter.Cli.Retrieve;
using Isocenter.Cli.Send;
using Isocenter.Dicom.Network.Scu;
using Isocenter.Dicom.Network.Store;
using Isocenter.Dicom.Network.Tests.Peers;
using Isocenter.Dicom.Network.Tests.Retrieve;

namespace Isocenter.Dicom.Network.Tests.Cli;

/// <summary><c>isocenter listen</c> with storescu and <c>isocenter send</c>/<c>echo</c> as peers.</summary>
public class NetworkCommandTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Listen_ReceivedFiles_WritesPart10FilesDcmtkReadsAsSent()
    {
        var output = TestFiles.NewDirectory();
        var port = Dcmtk.FreePort().ToString(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource(Bound);
        var log = new StringWriter();
        var listening = ListenCommand.RunAsync(["--port", port, "--aet", "ISOCENTER", "--out", output], log, stop.Token);
        await WaitForEcho(int.Parse(port, CultureInfo.InvariantCulture));

        var explicitFiles = await DcmtkScuTests.WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 5);
        var rleFiles = await DcmtkScuTests.WriteFilesAsync(DicomUid.RLELossless, 5);
        var storescu = await Dcmtk.RunAsync("storescu", ["-aec", "ISOCENTER", "127.0.0.1", port, .. explicitFiles]);
        Assert.True(storescu.ExitCode == 0, storescu.ToString());
        var storescuRle = await Dcmtk.RunAsync("storescu", ["-xr", "-R", "-aec", "ISOCENTER", "127.0.0.1", port, .. rleFiles]);
        Assert.True(storescuRle.ExitCode == 0, storescuRle.ToString());
        var send = await SendCommand.RunAsync(["--called", "ISOCENTER", "127.0.0.1", port, Path.GetDirectoryName(explicitFiles[0])!], TextWriter.Null, stop.Token);
        Assert.Equal(0, send);

        await stop.CancelAsync();
        Assert.Equal(0, await listening.WaitAsync(Bound));
        Assert.Equal(10, Directory.GetFiles(output).Length); // the second send overwrote the same instances; no temporary left
        foreach (var file in explicitFiles.Concat(rleFiles))
        {
            var header = DicomFileHeader.Read(file);
            var received = Path.Combine(output, header.SopInstanceUid + ".dcm");
            var receivedHeader = DicomFileHeader.Read(received);
            Assert.Equal(header with { DataSetOffset = 0 }, receivedHeader with { DataSetOffset = 0 });
            Assert.True(TestFiles.DataSetBytes(file).AsSpan().SequenceEqual(TestFiles.DataSetBytes(received)), file);
            var dump = await Dcmtk.RunAsync("dcmdump", "-q", received);
            Assert.True(dump.ExitCode == 0 && !dump.Output.Contains("E: ", StringComparison.Ordinal), dump.ToString());
        }
    }

    [Fact]
    public async Task Listen_Tls_EchoSendAndStorescuOverTls_ReceivedAsSent()
    {
        var certificate = await DcmtkTlsTests.MakeCertificateAsync();
        var output = TestFiles.NewDirectory();
        var port = Dcmtk.FreePort().ToString(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource(Bound);
        var listening = ListenCommand.RunAsync(["--port", port, "--aet", "ISOCENTER", "--out", output, "--tls-cert", certificate.Cert, "--tls-key", certificate.Key], TextWriter.Null, stop.Token);
        var sent = await DcmtkScuTests.WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 3);
        var sentByStorescu = await DcmtkScuTests.WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 2);

        var echo = await EchoCommand.RunAsync(["--tls-ca", certificate.Cert, "--called", "ISOCENTER", "localhost", port], TextWriter.Null, stop.Token);
        var send = await SendCommand.RunAsync(["--tls-ca", certificate.Cert, "--called", "ISOCENTER", "localhost", port, .. sent], TextWriter.Null, stop.Token);
        var storescu = await Dcmtk.RunAsync("storescu", ["+tla", "+cf", certificate.Cert, "-aec", "ISOCENTER", "127.0.0.1", port, .. sentByStorescu]);
        await stop.CancelAsync();

        Assert.Equal(0, await listening.WaitAsync(Bound));
        Assert.Equal(0, echo);
        Assert.Equal(0, send);
        Assert.True(storescu.ExitCode == 0, storescu.ToString());
        foreach (var file in sent.Concat(sentByStorescu))
        {
            var received = Path.Combine(output, DicomFileHeader.Read(file).SopInstanceUid + ".dcm");
            Assert.True(TestFiles.DataSetBytes(file).AsSpan().SequenceEqual(TestFiles.DataSetBytes(received)), file);
        }
    }

    [Fact]
    public async Task Find_Matches_PrintsJsonLinesAndDumpLines()
    {
        DicomDataset? identifier = null;
        await using var server = new ReceivingServer(o => o with
        {
            FindHandler = new Network.Query.CFindHandler((request, _) =>
            {
                identifier = request.Identifier;
                return new[] { Query.CFindTests.Study("1.2.3.1", "Alpha^One"), Query.CFindTests.Study("1.2.3.2", "Alpha^Two") }.ToAsyncEnumerable();
            }),
        });
        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        using var timeout = new CancellationTokenSource(Bound);
        var json = new StringWriter();
        var dump = new StringWriter();

        Assert.Equal(0, await FindCommand.RunAsync(["--called", "ISOCENTER", "--json", "127.0.0.1", port, "-k", "PatientName=A*", "-k", "0020,000D", "-k", "StudyDate=20240101-20241231"], json, timeout.Token));
        Assert.Equal(0, await FindCommand.RunAsync(["--called", "ISOCENTER", "--patient", "127.0.0.1", port, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID"], dump, timeout.Token));

        var lines = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("Alpha^Two", Json.DicomJson.Deserialize(lines[1]).GetString(DicomTag.PatientName));
        Assert.Contains("(0020,000d) UI [1.2.3.1]", dump.ToString(), StringComparison.Ordinal);
        Assert.Contains("# match 2", dump.ToString(), StringComparison.Ordinal);
        Assert.NotNull(identifier);
        Assert.Equal("STUDY", identifier.GetString(DicomTag.QueryRetrieveLevel));
    }

    [Fact]
    public async Task Find_UnknownKey_IsRefused()
    {
        using var timeout = new CancellationTokenSource(Bound);
        Assert.Equal(2, await FindCommand.RunAsync(["127.0.0.1", "104", "-k", "NoSuchKeyword=1"], TextWriter.Null, timeout.Token));
        Assert.Equal(2, await FindCommand.RunAsync(["127.0.0.1", "104", "-k"], TextWriter.Null, timeout.Token));
    }

    [Fact]
    public async Task MoveAndGet_Study_ArriveAtTheDestinationAndInTheFolderAsSent()
    {
        var files = TestFiles.WriteCtSeries(TestFiles.NewDirectory(), 3, DicomTransferSyntax.ExplicitVRLittleEndian, size: 32);
        var folder = TestFiles.NewDirectory();
        await using var destination = new ReceivingServer(o => o with { AETitles = ["DEST"] });
        await using var source = new RetrievingServer(files, new Dictionary<string, System.Net.DnsEndPoint> { ["DEST"] = new("127.0.0.1", destination.Port) });
        var port = source.Port.ToString(CultureInfo.InvariantCulture);
        var study = $"StudyInstanceUID={DicomFile.Open(files[0]).Dataset.GetString(DicomTag.StudyInstanceUID)}";
        using var timeout = new CancellationTokenSource(Bound);
        var log = new StringWriter();

        Assert.Equal(0, await RetrieveCommand.MoveAsync(["--called", "ISOCENTER", "--dest", "DEST", "127.0.0.1", port, "-k", study], log, timeout.Token));
        Assert.Equal(0, await RetrieveCommand.GetAsync(["--called", "ISOCENTER", "--patient", "--out", folder, "127.0.0.1", port, "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=NET001"], log, timeout.Token));

        Assert.Contains("isocenter move: status 0x0000, 3 completed, 0 failed", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("isocenter get: status 0x0000, 3 completed, 0 failed", log.ToString(), StringComparison.Ordinal);
        Assert.Equal("PATIENT", source.Requests[1].QueryRetrieveLevel);
        Assert.Equal(DicomUid.PatientRootQueryRetrieveInformationModelGet, source.Requests[1].SopClassUid);
        foreach (var file in files)
        {
            var uid = DicomFileHeader.Read(file).SopInstanceUid;
            Assert.Equal(TestFiles.DataSetBytes(file), destination.Datasets[uid].Bytes);
            Assert.Equal(TestFiles.DataSetBytes(file), TestFiles.DataSetBytes(Path.Combine(folder, uid + ".dcm")));
        }
        Assert.Equal(2, await RetrieveCommand.MoveAsync(["127.0.0.1", port, "-k", study], TextWriter.Null, timeout.Token)); // no --dest
    }

    [Fact]
    public async Task EchoAndSend_PeerNotThere_IsReported()
    {
        var port = Dcmtk.FreePort().ToString(CultureInfo.InvariantCulture);
        using var timeout = new CancellationTokenSource(Bound);
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => EchoCommand.RunAsync(["127.0.0.1", port], TextWriter.Null, timeout.Token));
        var file = TestFiles.WriteCtSeries(TestFiles.NewDirectory(), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => SendCommand.RunAsync(["127.0.0.1", port, file], TextWriter.Null, timeout.Token));
    }

    [Fact]
    public async Task EchoAndSend_BadArguments_AreRefused()
    {
        Assert.Equal(2, await SendCommand.RunAsync(["127.0.0.1", "104"], TextWriter.Null, CancellationToken.None));
        Assert.Equal(2, await EchoCommand.RunAsync(["127.0.0.1", "notaport"], TextWriter.Null, CancellationToken.None));
        Assert.Equal(2, await EchoCommand.RunAsync(["--aet", "MUCH_TOO_LONG_AE_TITLE", "127.0.0.1", "104"], TextWriter.Null, CancellationToken.None));
        Assert.Equal(2, await ListenCommand.RunAsync(["--aet", "X"], TextWriter.Null, CancellationToken.None));
    }

    private static async Task WaitForEcho(int port)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var client = new DicomClient("127.0.0.1", port, new DicomClientOptions { CalledAETitle = "ISOCENTER" });
        while (true)
        {
            try
            {
                await client.EchoAsync(timeout.Token);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (!timeout.IsCancellationRequested)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }
}
