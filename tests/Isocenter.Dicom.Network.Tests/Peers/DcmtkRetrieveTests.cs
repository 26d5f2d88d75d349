using System.Net;
using Isocenter.Dicom.Network.Store;
using Isocenter.Dicom.Network.Tests.Retrieve;

namespace Isocenter.Dicom.Network.Tests.Peers;

/// <summary>DCMTK's movescu and getscu against our C-MOVE and C-GET SCP: the files they write hold our datasets byte for byte.</summary>
public sealed class DcmtkRetrieveTests : IDisposable
{
    private readonly string _directory = TestFiles.NewDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Port(RetrievingServer server) => server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string StudyUid(string file) => DicomFile.Open(file).Dataset.GetString(DicomTag.StudyInstanceUID)!;

    private static void AssertReceivedByteIdentical(IEnumerable<string> files, string output)
    {
        var received = Directory.GetFiles(output).ToDictionary(f => DicomFileHeader.Read(f).SopInstanceUid, TestFiles.DataSetBytes);
        foreach (var file in files)
        {
            Assert.Equal(TestFiles.DataSetBytes(file), received[DicomFileHeader.Read(file).SopInstanceUid]);
        }
    }

    [Fact]
    public async Task Movescu_OurScp_ReceivesEachFileByteIdentical()
    {
        var files = TestFiles.WriteCtSeries(Path.Combine(_directory, "source"), 6, DicomTransferSyntax.ExplicitVRLittleEndian, size: 64);
        var output = Directory.CreateDirectory(Path.Combine(_directory, "out")).FullName;
        var port = Dcmtk.FreePort();
        await using var server = new RetrievingServer(files, new Dictionary<string, DnsEndPoint> { ["MOVESCU"] = new("127.0.0.1", port) });

        var run = await Dcmtk.RunAsync("movescu", "-v", "-S", "-aec", "ISOCENTER", "-aet", "MOVESCU", "-aem", "MOVESCU", "+P", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-od", output, "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={StudyUid(files[0])}", "127.0.0.1", Port(server));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Output.Contains("Received Final Move Response (Success)", StringComparison.Ordinal), run.ToString());
        Assert.Equal(6, Directory.GetFiles(output).Length);
        AssertReceivedByteIdentical(files, output);
        Assert.Equal(StudyUid(files[0]), Assert.Single(server.Requests).Identifier.GetString(DicomTag.StudyInstanceUID));
    }

    [Fact]
    public async Task Movescu_UnknownDestination_GetsA801()
    {
        var files = TestFiles.WriteCtSeries(Path.Combine(_directory, "source"), 1, DicomTransferSyntax.ExplicitVRLittleEndian, size: 16);
        await using var server = new RetrievingServer(files);

        var run = await Dcmtk.RunAsync("movescu", "-v", "-P", "-aec", "ISOCENTER", "-aem", "NOWHERE",
            "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=NET001", "127.0.0.1", Port(server));

        Assert.True(run.Output.Contains("Received Final Move Response (Refused: MoveDestinationUnknown)", StringComparison.Ordinal), run.ToString());
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Getscu_OurScp_ReceivesEachFileByteIdentical()
    {
        var files = TestFiles.WriteCtSeries(Path.Combine(_directory, "source"), 6, DicomTransferSyntax.ExplicitVRLittleEndian, size: 64);
        var output = Directory.CreateDirectory(Path.Combine(_directory, "out")).FullName;
        await using var server = new RetrievingServer(files);

        var run = await Dcmtk.RunAsync("getscu", "-v", "-S", "-aec", "ISOCENTER", "-aet", "GETSCU", "-od", output,
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={StudyUid(files[0])}", "127.0.0.1", Port(server));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Output.Contains("Received C-GET Response (Success)", StringComparison.Ordinal), run.ToString());
        Assert.Equal(6, Directory.GetFiles(output).Length);
        AssertReceivedByteIdentical(files, output);
    }

    [Fact]
    public async Task Getscu_NonSeekableSources_ReceivesEachByteIdenticalOneOpenAtATime()
    {
        var files = TestFiles.WriteCtSeries(Path.Combine(_directory, "source"), 5, DicomTransferSyntax.ExplicitVRLittleEndian, size: 64);
        var output = Directory.CreateDirectory(Path.Combine(_directory, "out")).FullName;
        var sources = new NonSeekableSources();
        await using var server = new RetrievingServer(files, source: sources.For);

        var run = await Dcmtk.RunAsync("getscu", "-v", "-S", "-aec", "ISOCENTER", "-aet", "GETSCU", "-od", output,
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={StudyUid(files[0])}", "127.0.0.1", Port(server));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Output.Contains("Received C-GET Response (Success)", StringComparison.Ordinal), run.ToString());
        AssertReceivedByteIdentical(files, output);
        Assert.Equal((5, 1), (sources.Opened, sources.MostOpen));
    }

    [Fact]
    public async Task Movescu_NonSeekableSourcesOfTwoSyntaxes_ReceivesEachByteIdenticalOneOpenAtATime()
    {
        List<string> files = [.. TestFiles.WriteCtSeries(Path.Combine(_directory, "explicit"), 3, DicomTransferSyntax.ExplicitVRLittleEndian, size: 64),
            .. await DcmtkScuTests.WriteFilesAsync(DicomUid.RLELossless, 3)]; // two associations: the second proposes RLE
        var output = Directory.CreateDirectory(Path.Combine(_directory, "out")).FullName;
        var port = Dcmtk.FreePort();
        var sources = new NonSeekableSources();
        await using var server = new RetrievingServer(files, new Dictionary<string, DnsEndPoint> { ["MOVESCU"] = new("127.0.0.1", port) }, source: sources.For);

        var run = await Dcmtk.RunAsync("movescu", "-v", "-S", "-aec", "ISOCENTER", "-aet", "MOVESCU", "-aem", "MOVESCU", "+P", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "+xa", "-od", output, "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={StudyUid(files[0])}", "127.0.0.1", Port(server));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Output.Contains("Received Final Move Response (Success)", StringComparison.Ordinal), run.ToString());
        Assert.Equal(6, Directory.GetFiles(output).Length);
        AssertReceivedByteIdentical(files, output);
        Assert.Equal((6, 1), (sources.Opened, sources.MostOpen));
    }
}
