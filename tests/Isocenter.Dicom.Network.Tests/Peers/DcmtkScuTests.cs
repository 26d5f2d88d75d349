using Isocenter.Dicom.Network.Dimse;

namespace Isocenter.Dicom.Network.Tests.Peers;

/// <summary>DCMTK's echoscu and storescu against our SCP: every dataset arrives byte-identical to the file's dataset.</summary>
public class DcmtkScuTests
{
    [Fact]
    public async Task Echoscu_OurScp_GetsAnAnswer()
    {
        await using var server = new ReceivingServer();
        var run = await Dcmtk.RunAsync("echoscu", "-aec", "ISOCENTER", "-aet", "ECHOSCU", "127.0.0.1", Port(server));
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Findscu_OurScp_GetsEachMatchThenSuccess()
    {
        Network.Query.CFindRequest? seen = null;
        await using var server = new ReceivingServer(o => o with
        {
            FindHandler = new Network.Query.CFindHandler((request, _) =>
            {
                seen = request;
                return new[] { Tests.Query.CFindTests.Study("1.2.3.1", "Alpha^One"), Tests.Query.CFindTests.Study("1.2.3.2", "Alpha^Two") }.ToAsyncEnumerable();
            }),
        });

        var run = await Dcmtk.RunAsync("findscu", "-v", "-S", "-aec", "ISOCENTER", "-aet", "FINDSCU",
            "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientName=Alpha*", "-k", "StudyInstanceUID", "127.0.0.1", Port(server));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Output.Contains("Find Response: 2 (Pending)", StringComparison.Ordinal), run.ToString());
        Assert.True(run.Output.Contains("[1.2.3.2", StringComparison.Ordinal), run.ToString());
        Assert.True(run.Output.Contains("[Alpha^One", StringComparison.Ordinal), run.ToString());
        Assert.True(run.Output.Contains("Received Final Find Response (Success)", StringComparison.Ordinal), run.ToString());
        Assert.Equal("Alpha*", seen?.Identifier.GetString(DicomTag.PatientName));
        Assert.Equal(DicomUid.StudyRootQueryRetrieveInformationModelFind, seen?.SopClassUid);
    }

    public static TheoryData<string, string[]> Syntaxes() => new()
    {
        { DicomUid.ExplicitVRLittleEndian, ["-R"] },
        { DicomUid.ImplicitVRLittleEndian, ["-xi"] },
        { DicomUid.RLELossless, ["-xr", "-R"] },
    };

    [Theory]
    [MemberData(nameof(Syntaxes))]
    public async Task Storescu_TwentyFiles_ReceivedByteIdentical(string syntaxUid, string[] proposal)
    {
        await using var server = new ReceivingServer();
        var files = await WriteFilesAsync(syntaxUid, 20);

        var run = await Dcmtk.RunAsync("storescu", [.. proposal, "-aec", "ISOCENTER", "-aet", "STORESCU", "127.0.0.1", Port(server), .. files]);

        Assert.True(run.ExitCode == 0, run.ToString());
        AssertReceivedAsSent(server, files, "STORESCU");
    }

    [Fact]
    public async Task Storescu_ThreeProcessesAtOnce_AllReceivedAsSent()
    {
        await using var server = new ReceivingServer();
        var batches = (await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 10)))).ToList();

        var runs = await Task.WhenAll(batches.Select(files =>
            Dcmtk.RunAsync("storescu", ["-aec", "ISOCENTER", "-aet", "STORESCU", "127.0.0.1", Port(server), .. files])));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        AssertReceivedAsSent(server, [.. batches.SelectMany(b => b)], "STORESCU");
    }

    // Every transfer syntax the SCP accepts that DCMTK or GDCM can write: the converter that makes the file from an Explicit
    // LE one (so no codec under test is ours) and the storescu option that proposes the syntax.
    private static readonly (string Syntax, string Tool, string[] Options, string[] Proposal)[] Conversions =
    [
        (DicomUid.ImplicitVRLittleEndian, "dcmconv", ["+ti"], ["-xi"]),
        (DicomUid.ExplicitVRLittleEndian, "dcmconv", ["+te"], ["-xe"]),
        (DicomUid.ExplicitVRBigEndian, "dcmconv", ["+tb"], ["-xb"]),
        (DicomUid.DeflatedExplicitVRLittleEndian, "dcmconv", ["+td"], ["-xd"]),
        (DicomUid.JPEGLosslessSV1, "dcmcjpeg", ["+e1"], ["-xs"]),
        (DicomUid.JPEGBaseline8Bit, "dcmcjpeg", ["+eb"], ["-xy"]),
        (DicomUid.JPEGExtended12Bit, "dcmcjpeg", ["+ee"], ["-xx"]),
        (DicomUid.RLELossless, "dcmcrle", [], ["-xr"]),
        (DicomUid.JPEGLSLossless, "dcmcjpls", [], ["-xt"]),
        (DicomUid.JPEG2000Lossless, "gdcmconv", ["--j2k"], ["-xv"]),
    ];

    [Fact]
    public async Task Storescu_EveryTransferSyntaxOnItsOwnAssociationAtOnce_ReceivedByteIdentical()
    {
        await using var server = new ReceivingServer();
        var batches = await Task.WhenAll(Conversions.Select(async c =>
        {
            var directory = TestFiles.NewDirectory();
            var native = TestFiles.WriteCtSeries(Path.Combine(directory, "native"), 5, DicomTransferSyntax.ExplicitVRLittleEndian);
            var converted = new List<string>();
            foreach (var path in native)
            {
                var output = Path.Combine(directory, Path.GetFileName(path));
                var run = await Dcmtk.RunAsync(c.Tool, [.. c.Options, path, output]);
                Assert.True(run.ExitCode == 0, run.ToString());
                Assert.Equal(c.Syntax, Network.Store.DicomFileHeader.Read(output).TransferSyntax.Uid);
                converted.Add(output);
            }
            return (c.Proposal, Files: converted);
        }));

        var runs = await Task.WhenAll(batches.Select(b =>
            Dcmtk.RunAsync("storescu", [.. b.Proposal, "-R", "-aec", "ISOCENTER", "-aet", "STORESCU", "127.0.0.1", Port(server), .. b.Files])));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        AssertReceivedAsSent(server, [.. batches.SelectMany(b => b.Files)], "STORESCU");
    }

    [Fact]
    public async Task Storescu_UserIdentity_SurfacedToTheHandler()
    {
        await using var server = new ReceivingServer();
        var files = await WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 1);
        var run = await Dcmtk.RunAsync("storescu", ["-usr", "alice", "-pwd", "secret", "-aec", "ISOCENTER", "127.0.0.1", Port(server), .. files]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("alice", Assert.Single(server.Datasets).Value.User);
    }

    [Fact]
    public async Task Storescu_UnknownCalledAETitle_IsRejectedAndEchoWorksAfter()
    {
        await using var server = new ReceivingServer();
        var files = await WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 1);
        var rejected = await Dcmtk.RunAsync("storescu", ["-aec", "NOBODY", "127.0.0.1", Port(server), .. files]);
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("Called AE Title Not Recognized", rejected.Output, StringComparison.OrdinalIgnoreCase);
        var echo = await Dcmtk.RunAsync("echoscu", "-aec", "ISOCENTER", "127.0.0.1", Port(server));
        Assert.True(echo.ExitCode == 0, echo.ToString());
    }

    internal static async Task<List<string>> WriteFilesAsync(string syntaxUid, int count)
    {
        var directory = TestFiles.NewDirectory();
        if (syntaxUid != DicomUid.RLELossless)
        {
            return TestFiles.WriteCtSeries(directory, count, DicomTransferSyntax.Parse(syntaxUid));
        }
        // Compressed with DCMTK's dcmcrle, so the RLE codec under test is not ours.
        var native = TestFiles.WriteCtSeries(Path.Combine(directory, "native"), count, DicomTransferSyntax.ExplicitVRLittleEndian);
        var compressed = new List<string>();
        foreach (var path in native)
        {
            var output = Path.Combine(directory, Path.GetFileName(path));
            var run = await Dcmtk.RunAsync("dcmcrle", path, output);
            Assert.True(run.ExitCode == 0, run.ToString());
            compressed.Add(output);
        }
        return compressed;
    }

    private static byte[]? AliceOrJwt(Network.Pdu.UserIdentityRequest? identity, string callingAETitle) => identity switch
    {
        { IdentityType: Network.Pdu.UserIdentityType.UsernameAndPasscode } when identity.PrimaryField.Span.SequenceEqual("alice"u8) && identity.SecondaryField.Span.SequenceEqual("secret"u8) => [],
        { IdentityType: Network.Pdu.UserIdentityType.Jwt } when identity.PrimaryField.Span.SequenceEqual("header.payload.signature"u8) => "accepted"u8.ToArray(),
        _ => null,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Storescu_UserIdentityValid_PositiveResponseAndStored(bool jwt)
    {
        await using var server = new ReceivingServer(o => o with { UserIdentityValidator = AliceOrJwt });
        var files = await WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 1);
        var token = Path.Combine(Path.GetDirectoryName(files[0])!, "token.jwt");
        await File.WriteAllTextAsync(token, "header.payload.signature");
        string[] identity = jwt ? ["--jwt", token] : ["-usr", "alice", "-pwd", "secret"];

        var run = await Dcmtk.RunAsync("storescu", ["-d", .. identity, "-rsp", "-aec", "ISOCENTER", "127.0.0.1", Port(server), .. files]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Single(server.Datasets);
        Assert.True(run.Output.Contains("User Identity Negotiation Response:", StringComparison.Ordinal), run.ToString());
    }

    [Fact]
    public async Task Storescu_UserIdentityWrong_AssociationRejected()
    {
        await using var server = new ReceivingServer(o => o with { UserIdentityValidator = AliceOrJwt });
        var files = await WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 1);

        var run = await Dcmtk.RunAsync("storescu", ["-v", "-usr", "alice", "-pwd", "wrong", "-aec", "ISOCENTER", "127.0.0.1", Port(server), .. files]);
        var anonymous = await Dcmtk.RunAsync("storescu", ["-v", "-aec", "ISOCENTER", "127.0.0.1", Port(server), .. files]);

        Assert.True(run.ExitCode != 0 && run.Output.Contains("Association Rejected", StringComparison.Ordinal), run.ToString());
        Assert.True(anonymous.ExitCode != 0 && anonymous.Output.Contains("Association Rejected", StringComparison.Ordinal), anonymous.ToString());
        Assert.Empty(server.Datasets);
    }

    private static void AssertReceivedAsSent(ReceivingServer server, List<string> files, string callingAETitle)
    {
        Assert.Equal(files.Count, server.Datasets.Count);
        foreach (var file in files)
        {
            var header = Network.Store.DicomFileHeader.Read(file);
            var received = server.Datasets[header.SopInstanceUid];
            Assert.Equal(header.TransferSyntax, received.TransferSyntax);
            Assert.Equal(header.SopClassUid, received.SopClassUid);
            Assert.Equal(callingAETitle, received.CallingAETitle);
            var (sent, got) = (TestFiles.DataSetBytes(file), received.Bytes);
            if (header.TransferSyntax.Uid == DicomUid.DeflatedExplicitVRLittleEndian)
            {
                // storescu deflates the dataset again with its own settings: what must arrive unchanged is the dataset inside.
                (sent, got) = (Inflate(sent), Inflate(got));
            }
            Assert.True(sent.AsSpan().SequenceEqual(got), $"{file}: the received dataset differs from the file's");
        }
        Assert.Empty(server.Failures);
    }

    private static byte[] Inflate(byte[] deflated)
    {
        using var inflater = new System.IO.Compression.DeflateStream(new MemoryStream(deflated), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }

    private static string Port(ReceivingServer server) => server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
