using System.Diagnostics;
using System.Globalization;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scu;
using Isocenter.Dicom.Network.Store;
using Isocenter.Dicom.Network.Tests.Retrieve;

namespace Isocenter.Dicom.Network.Tests.Peers;

/// <summary>
/// Our C-FIND, C-MOVE and C-GET SCU against DCMTK's dcmqrscp (PS3.4 C.4.1-C.4.3): four studies stored into its archive with
/// our C-STORE SCU, then queried at STUDY and SERIES level in the Patient Root and Study Root models, with a wildcard and a
/// date range, and retrieved to our listener (ISOLISTEN in its host table) and over C-GET.
/// </summary>
public sealed class DcmqrscpTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = TestFiles.NewDirectory();
    private readonly Dictionary<string, string> _studies = []; // name -> Study Instance UID
    private readonly Dictionary<string, List<string>> _series = []; // Study Instance UID -> Series Instance UIDs
    private readonly Dictionary<string, string> _files = []; // SOP Instance UID -> the file stored
    private readonly ReceivingServer _listener = new(o => o with { AETitles = ["ISOLISTEN"] });
    private Process? _dcmqrscp;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = Dcmtk.FreePort();
        var storage = Path.Combine(_directory, "archive");
        Directory.CreateDirectory(storage);
        var config = Path.Combine(_directory, "dcmqrscp.cfg");
        await File.WriteAllTextAsync(config, $"""
            NetworkTCPPort = {_port}
            MaxPDUSize = 16384
            MaxAssociations = 16

            HostTable BEGIN
            ISOLISTEN = (ISOLISTEN, 127.0.0.1, {_listener.Port})
            HostTable END

            VendorTable BEGIN
            VendorTable END

            AETable BEGIN
            QRSCP {storage} RW (100, 1024mb) ANY
            AETable END
            """);
        // Forks a child per association (--single-process would serve one association and exit).
        _dcmqrscp = Dcmtk.Start("dcmqrscp", ["-c", config]);
        _ = _dcmqrscp.StandardOutput.ReadToEndAsync(); // drained so dcmqrscp never blocks on a full pipe
        _ = _dcmqrscp.StandardError.ReadToEndAsync();
        await Dcmtk.WaitForEchoAsync(Client(), _dcmqrscp, () => "dcmqrscp exited");
        using var timeout = new CancellationTokenSource(Bound);
        var files = new List<string>();
        files.AddRange(WriteStudy("P1", "Alpha^One", "20240105", series: 2));
        files.AddRange(WriteStudy("P1", "Alpha^One", "20240310", series: 1));
        files.AddRange(WriteStudy("P2", "Alpha^Two", "20240120", series: 1));
        files.AddRange(WriteStudy("P3", "Beta^Three", "20240115", series: 1));
        var results = await Client().StoreAsync(files, cancellationToken: timeout.Token);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
    }

    public Task DisposeAsync()
    {
        if (_dcmqrscp is { HasExited: false })
        {
            _dcmqrscp.Kill(entireProcessTree: true);
        }
        _dcmqrscp?.Dispose();
        return Task.CompletedTask;
    }

    ValueTask IAsyncDisposable.DisposeAsync() => _listener.DisposeAsync(); // xunit disposes the test class after DisposeAsync above

    private DicomClient Client() => new("127.0.0.1", _port, new DicomClientOptions { CalledAETitle = "QRSCP", CallingAETitle = "ISOCENTER", DimseTimeout = Bound, AssociationTimeout = Bound });

    private List<string> WriteStudy(string patientId, string name, string date, int series)
    {
        var study = DicomUid.Generate();
        _studies[$"{name} {date}"] = study;
        _series[study] = [];
        var paths = new List<string>();
        for (var s = 0; s < series; s++)
        {
            var seriesUid = DicomUid.Generate();
            _series[study].Add(seriesUid);
            var dataset = new DicomDataset()
                .Set(DicomTag.SOPClassUID, DicomUid.CTImageStorage)
                .Set(DicomTag.SOPInstanceUID, DicomUid.Generate())
                .Set(DicomTag.StudyInstanceUID, study)
                .Set(DicomTag.SeriesInstanceUID, seriesUid)
                .Set(DicomTag.StudyDate, date)
                .Set(DicomTag.StudyTime, "101500")
                .Set(DicomTag.AccessionNumber, "")
                .Set(DicomTag.StudyID, "1")
                .Set(DicomTag.Modality, "CT")
                .Set(DicomTag.SeriesNumber, (s + 1).ToString(CultureInfo.InvariantCulture))
                .Set(DicomTag.PatientName, name)
                .Set(DicomTag.PatientID, patientId)
                .Set(DicomTag.InstanceNumber, "1")
                .Set(DicomTag.SamplesPerPixel, (ushort)1)
                .Set(DicomTag.PhotometricInterpretation, "MONOCHROME2")
                .Set(DicomTag.Rows, (ushort)8)
                .Set(DicomTag.Columns, (ushort)8)
                .Set(DicomTag.BitsAllocated, (ushort)16)
                .Set(DicomTag.BitsStored, (ushort)12)
                .Set(DicomTag.HighBit, (ushort)11)
                .Set(DicomTag.PixelRepresentation, (ushort)0)
                .Set(DicomTag.PixelData, DicomVR.OW, new ushort[64]);
            var path = Path.Combine(_directory, $"{seriesUid}.dcm");
            new DicomFile(dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
            _files[dataset.GetString(DicomTag.SOPInstanceUID)!] = path;
            paths.Add(path);
        }
        return paths;
    }

    private async Task<List<DicomDataset>> FindAsync(string model, DicomDataset identifier)
    {
        using var timeout = new CancellationTokenSource(Bound);
        return await Client().FindAsync(model, identifier, timeout.Token).ToListAsync(timeout.Token);
    }

    [Fact]
    public async Task CFind_StudyRootStudyLevel_MatchesWildcardNameAndDateRange()
    {
        var matches = await FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "STUDY")
            .Set(DicomTag.PatientName, "Alpha*")
            .Set(DicomTag.StudyDate, "20240101-20240131")
            .Set(DicomTag.StudyInstanceUID, ""));

        Assert.Equal(
            new[] { _studies["Alpha^One 20240105"], _studies["Alpha^Two 20240120"] }.Order(),
            matches.Select(m => m.GetString(DicomTag.StudyInstanceUID)!).Order());
        Assert.All(matches, m => Assert.StartsWith("Alpha^", m.GetString(DicomTag.PatientName), StringComparison.Ordinal));
    }

    [Fact]
    public async Task CFind_StudyRootSeriesLevel_ReturnsTheSeriesOfAStudy()
    {
        var study = _studies["Alpha^One 20240105"];
        var matches = await FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "SERIES")
            .Set(DicomTag.StudyInstanceUID, study)
            .Set(DicomTag.SeriesInstanceUID, "")
            .Set(DicomTag.Modality, ""));

        Assert.Equal(_series[study].Order(), matches.Select(m => m.GetString(DicomTag.SeriesInstanceUID)!).Order());
        Assert.All(matches, m => Assert.Equal("CT", m.GetString(DicomTag.Modality)));
    }

    [Fact]
    public async Task CFind_PatientRootStudyLevel_MatchesWithinPatientAndDateRange()
    {
        var matches = await FindAsync(DicomUid.PatientRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "STUDY")
            .Set(DicomTag.PatientID, "P1")
            .Set(DicomTag.StudyDate, "20240101-20240131")
            .Set(DicomTag.StudyInstanceUID, ""));

        Assert.Equal(_studies["Alpha^One 20240105"], Assert.Single(matches).GetString(DicomTag.StudyInstanceUID));
    }

    [Fact]
    public async Task CFind_PatientRootSeriesLevel_ReturnsTheSeriesOfAStudy()
    {
        var study = _studies["Alpha^One 20240310"];
        var matches = await FindAsync(DicomUid.PatientRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "SERIES")
            .Set(DicomTag.PatientID, "P1")
            .Set(DicomTag.StudyInstanceUID, study)
            .Set(DicomTag.SeriesInstanceUID, ""));

        Assert.Equal(_series[study], matches.Select(m => m.GetString(DicomTag.SeriesInstanceUID)!));
    }

    [Fact]
    public async Task CFind_PatientRootPatientLevel_MatchesWildcardNameAndEchoWorksAfter()
    {
        var matches = await FindAsync(DicomUid.PatientRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "PATIENT")
            .Set(DicomTag.PatientName, "Alpha*")
            .Set(DicomTag.PatientID, ""));

        Assert.Equal(["P1", "P2"], matches.Select(m => m.GetString(DicomTag.PatientID)!).Order());
        using var timeout = new CancellationTokenSource(Bound);
        Assert.Equal(DimseStatus.Success, await Client().EchoAsync(timeout.Token));
    }

    [Fact]
    public async Task CFind_LeavingAfterFirstMatch_CancelsAndNextQueryWorks()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var identifier = new DicomDataset().Set(DicomTag.QueryRetrieveLevel, "PATIENT").Set(DicomTag.PatientID, "");
        var seen = 0;
        await foreach (var _ in Client().FindAsync(DicomUid.PatientRootQueryRetrieveInformationModelFind, identifier, timeout.Token))
        {
            seen++;
            break; // C-CANCEL-RQ, then the rest of dcmqrscp's responses are read up to its final one
        }

        Assert.Equal(1, seen);
        Assert.Equal(3, (await FindAsync(DicomUid.PatientRootQueryRetrieveInformationModelFind, identifier)).Count);
    }

    private List<string> InstancesOf(string study) =>
        [.. _files.Where(f => DicomFile.Open(f.Value).Dataset.GetString(DicomTag.StudyInstanceUID) == study).Select(f => f.Key)];

    [Fact]
    public async Task CMove_StudyRootStudy_ArrivesAtOurListenerByteIdentical()
    {
        var study = _studies["Alpha^One 20240105"];
        var reports = new CRetrieveTests.Reports();
        using var timeout = new CancellationTokenSource(Bound);

        var result = await Client().MoveAsync(DicomUid.StudyRootQueryRetrieveInformationModelMove,
            new DicomDataset().Set(DicomTag.QueryRetrieveLevel, "STUDY").Set(DicomTag.StudyInstanceUID, study), "ISOLISTEN", reports, timeout.Token);

        Assert.Equal(DimseStatus.Success, result.Status);
        Assert.Equal(2, result.SubOperations.Completed);
        Assert.Equal(new SubOperationCounts(1, 1, 0, 0), reports.Seen.First()); // dcmqrscp sends Pending after each sub-operation
        foreach (var uid in InstancesOf(study))
        {
            Assert.Equal(TestFiles.DataSetBytes(_files[uid]), _listener.Datasets[uid].Bytes);
            Assert.Equal("QRSCP", _listener.Datasets[uid].CallingAETitle);
        }
    }

    [Fact]
    public async Task CMove_UnknownDestination_FailsWithA801()
    {
        using var timeout = new CancellationTokenSource(Bound);

        var failure = await Assert.ThrowsAsync<DimseFailureException>(() => Client().MoveAsync(DicomUid.PatientRootQueryRetrieveInformationModelMove,
            new DicomDataset().Set(DicomTag.QueryRetrieveLevel, "PATIENT").Set(DicomTag.PatientID, "P2"), "NOWHERE", cancellationToken: timeout.Token));

        Assert.Equal(DimseStatus.MoveDestinationUnknown, failure.Status);
    }

    [Fact]
    public async Task CGet_PatientRootSeries_StreamsIntoTheSinkByteIdentical()
    {
        var study = _studies["Alpha^Two 20240120"];
        var sink = new CRetrieveTests.MemorySink();
        using var timeout = new CancellationTokenSource(Bound);

        var result = await Client().GetAsync(DicomUid.PatientRootQueryRetrieveInformationModelGet, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "SERIES").Set(DicomTag.PatientID, "P2").Set(DicomTag.StudyInstanceUID, study)
            .Set(DicomTag.SeriesInstanceUID, _series[study][0]), sink, cancellationToken: timeout.Token);

        Assert.Equal(DimseStatus.Success, result.Status);
        var uid = Assert.Single(InstancesOf(study));
        Assert.Equal(TestFiles.DataSetBytes(_files[uid]), sink.Datasets[uid]);
    }
}
