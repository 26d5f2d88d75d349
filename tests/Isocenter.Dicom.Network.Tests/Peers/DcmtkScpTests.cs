using System.Diagnostics;
using System.Globalization;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Dicom.Network.Tests.Peers;

/// <summary>Our SCU against DCMTK's storescp: C-ECHO, and C-STORE with the files checked in storescp's output folder.</summary>
public sealed class DcmtkScpTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _output = TestFiles.NewDirectory();
    private Process? _storescp;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = Dcmtk.FreePort();
        _storescp = Dcmtk.Start("storescp", ["-aet", "STORESCP", "-od", _output, "+xa", _port.ToString(CultureInfo.InvariantCulture)]);
        _ = _storescp.StandardOutput.ReadToEndAsync(); // drained so storescp never blocks on a full pipe
        _ = _storescp.StandardError.ReadToEndAsync();
        // storescp is ready when it answers C-ECHO.
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            try
            {
                await Client().EchoAsync(timeout.Token);
                return;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException && !timeout.IsCancellationRequested)
            {
                Assert.False(_storescp.HasExited, "storescp exited");
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_storescp is { HasExited: false })
        {
            _storescp.Kill(entireProcessTree: true);
        }
        _storescp?.Dispose();
        return Task.CompletedTask;
    }

    private DicomClient Client() => new("127.0.0.1", _port, new DicomClientOptions { CalledAETitle = "STORESCP", CallingAETitle = "ISOCENTER", DimseTimeout = Bound, AssociationTimeout = Bound });

    [Fact]
    public async Task Echo_ToStorescp_GetsSuccess()
    {
        using var timeout = new CancellationTokenSource(Bound);
        Assert.Equal(DimseStatus.Success, await Client().EchoAsync(timeout.Token));
    }

    [Fact]
    public async Task Probe_Storescp_AcceptsVerificationAndStorageOnly_Echoes()
    {
        using var timeout = new CancellationTokenSource(Bound);

        var probe = await Client().ProbeAsync(
            [DicomUid.Verification, DicomUid.StudyRootQueryRetrieveInformationModelFind, DicomUid.StudyRootQueryRetrieveInformationModelGet, DicomUid.CTImageStorage],
            [DicomUid.CTImageStorage], timeout.Token);

        Assert.Equal([DicomUid.Verification, DicomUid.CTImageStorage], probe.AcceptedSopClasses.Order(StringComparer.Ordinal));
        Assert.Equal(DimseStatus.Success, probe.EchoStatus);
    }

    [Theory]
    [InlineData(DicomUid.ExplicitVRLittleEndian)]
    [InlineData(DicomUid.ImplicitVRLittleEndian)]
    [InlineData(DicomUid.RLELossless)]
    public async Task Store_ToStorescp_LandsEveryFileInItsFolder(string syntaxUid)
    {
        var files = await DcmtkScuTests.WriteFilesAsync(syntaxUid, 10);
        using var timeout = new CancellationTokenSource(Bound);

        var results = await Client().StoreAsync(files, cancellationToken: timeout.Token);

        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        var stored = Directory.GetFiles(_output);
        Assert.Equal(files.Count, stored.Length);
        var bySop = stored.ToDictionary(p => Network.Store.DicomFileHeader.Read(p).SopInstanceUid);
        foreach (var file in files)
        {
            var header = Network.Store.DicomFileHeader.Read(file);
            var received = bySop[header.SopInstanceUid];
            Assert.Equal(header.TransferSyntax, Network.Store.DicomFileHeader.Read(received).TransferSyntax);
            Assert.True(TestFiles.DataSetBytes(file).AsSpan().SequenceEqual(TestFiles.DataSetBytes(received)), $"{file}: storescp stored a different dataset");
        }
    }
}
