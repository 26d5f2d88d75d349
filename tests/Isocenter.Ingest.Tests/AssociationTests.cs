namespace Isocenter.Ingest.Tests;

/// <summary>Who may associate (Dicom:Peers), health, and the service staying up after refusals.</summary>
public sealed class AssociationTests(IngestFixture fixture) : IClassFixture<IngestFixture>
{
    private string Port => fixture.Service.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task EchoScu_UnknownCallingAE_RejectedWithReasonLoggedAndServiceStillAnswers()
    {
        var intruder = await Dcmtk.RunAsync("echoscu", "-aet", "INTRUDER", "-aec", "ISOCENTER", "127.0.0.1", Port);

        Assert.NotEqual(0, intruder.ExitCode);
        Assert.Contains("Association Rejected", intruder.Output, StringComparison.Ordinal);
        Assert.Contains(fixture.Service.Logs, line => line.Contains("INTRUDER is not a configured peer", StringComparison.Ordinal));
        var known = await Dcmtk.RunAsync("echoscu", "-aet", IngestFixture.CallingAETitle, "-aec", "ISOCENTER", "127.0.0.1", Port);
        Assert.True(known.ExitCode == 0, known.ToString());
    }

    [Fact]
    public async Task EchoScu_PeerCallingFromAnotherHost_Rejected()
    {
        var run = await Dcmtk.RunAsync("echoscu", "-aet", "FARAWAY", "-aec", "ISOCENTER", "127.0.0.1", Port);

        Assert.Contains("Association Rejected", run.Output, StringComparison.Ordinal);
        Assert.Contains(fixture.Service.Logs, line => line.Contains("FARAWAY is a configured peer, but not from 127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EchoScu_WrongCalledAE_Rejected()
    {
        var run = await Dcmtk.RunAsync("echoscu", "-aet", IngestFixture.CallingAETitle, "-aec", "SOMEONE", "127.0.0.1", Port);

        Assert.Contains("Association Rejected", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_Listening_ReportsTheScpAndTheBusHealthy()
    {
        using var http = new HttpClient { BaseAddress = fixture.Service.HttpAddress };

        var health = await http.GetStringAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal("Healthy", health);
        Assert.Contains(fixture.Service.Logs, line => line.Contains("DICOM SCP ISOCENTER listening on 127.0.0.1:", StringComparison.Ordinal));
    }
}
