using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Tests.Retrieve;

namespace Isocenter.Dicom.Network.Tests.Peers;

/// <summary>Our SCU against Orthanc: C-ECHO, C-STORE, C-FIND (PS3.4 C.2.2.2: wildcard, range and UID list matching), C-MOVE and C-GET.</summary>
public sealed class OrthancTests(OrthancFixture orthanc) : IClassFixture<OrthancFixture>
{
    private static readonly TimeSpan Bound = OrthancFixture.Bound;

    private async Task<List<DicomDataset>> FindAsync(string model, DicomDataset identifier)
    {
        using var timeout = new CancellationTokenSource(Bound);
        return await orthanc.Client().FindAsync(model, identifier, timeout.Token).ToListAsync(timeout.Token);
    }

    [Fact]
    public async Task CEcho_Orthanc_Success()
    {
        using var timeout = new CancellationTokenSource(Bound);
        Assert.Equal(DimseStatus.Success, await orthanc.Client().EchoAsync(timeout.Token));
    }

    [Fact]
    public async Task CStore_DemoInstances_StoredAndFoundAtImageLevel()
    {
        Assert.Equal(6, orthanc.Stored.Count);
        Assert.All(orthanc.Stored, r => Assert.True(r.Status == DimseStatus.Success, r.ToString()));
        var (study, first) = orthanc.Studies().First();

        var matches = await FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "IMAGE")
            .Set(DicomTag.StudyInstanceUID, study)
            .Set(DicomTag.SeriesInstanceUID, first.GetString(DicomTag.SeriesInstanceUID)!)
            .Set(DicomTag.SOPInstanceUID, ""));

        Assert.Equal(orthanc.Instances.Where(i => i.Value.Dataset.GetString(DicomTag.StudyInstanceUID) == study).Select(i => i.Key).Order(),
            matches.Select(m => m.GetString(DicomTag.SOPInstanceUID)!).Order());
    }

    [Fact]
    public async Task CFind_PatientRootPatientLevel_MatchesWildcardName()
    {
        var patients = orthanc.Studies().Values.Select(d => (Id: d.GetString(DicomTag.PatientID)!, Name: d.GetString(DicomTag.PatientName)!)).ToList();
        var prefix = patients[0].Name[..2];

        var matches = await FindAsync(DicomUid.PatientRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "PATIENT")
            .Set(DicomTag.PatientName, prefix + "*")
            .Set(DicomTag.PatientID, ""));

        Assert.Equal(patients.Where(p => p.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(p => p.Id).Order(),
            matches.Select(m => m.GetString(DicomTag.PatientID)!).Order());
    }

    [Fact]
    public async Task CFind_StudyRootStudyLevel_MatchesDateRange()
    {
        var studies = orthanc.Studies();
        var dates = studies.Values.Select(d => d.GetString(DicomTag.StudyDate)!).Order(StringComparer.Ordinal).ToList();
        var range = $"{dates[0]}-{dates[1]}"; // the two earliest studies (or more, sharing a date)

        var matches = await FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "STUDY")
            .Set(DicomTag.StudyDate, range)
            .Set(DicomTag.StudyInstanceUID, ""));

        Assert.Equal(studies.Where(s => string.CompareOrdinal(s.Value.GetString(DicomTag.StudyDate), dates[1]) <= 0).Select(s => s.Key).Order(),
            matches.Select(m => m.GetString(DicomTag.StudyInstanceUID)!).Order());
    }

    [Fact]
    public async Task CFind_StudyRootStudyLevel_MatchesUidList()
    {
        var studies = orthanc.Studies().Keys.Order(StringComparer.Ordinal).ToList();

        var matches = await FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "STUDY")
            .Set(DicomTag.StudyInstanceUID, studies[0], studies[2])
            .Set(DicomTag.PatientName, ""));

        Assert.Equal([studies[0], studies[2]], matches.Select(m => m.GetString(DicomTag.StudyInstanceUID)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CMove_Study_ArrivesAtOurListenerByteIdentical()
    {
        var (study, first) = orthanc.Studies().First();
        var reports = new CRetrieveTests.Reports();
        using var timeout = new CancellationTokenSource(Bound);

        var result = await orthanc.Client().MoveAsync(DicomUid.PatientRootQueryRetrieveInformationModelMove, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "STUDY")
            .Set(DicomTag.PatientID, first.GetString(DicomTag.PatientID)!)
            .Set(DicomTag.StudyInstanceUID, study), "ISOLISTEN", reports, timeout.Token);

        Assert.True(result.Status == DimseStatus.Success, orthanc.Log);
        Assert.Equal(2, result.SubOperations.Completed);
        foreach (var (uid, (path, _)) in orthanc.Instances.Where(i => i.Value.Dataset.GetString(DicomTag.StudyInstanceUID) == study))
        {
            Assert.Equal(TestFiles.DataSetBytes(path), orthanc.Listener.Datasets[uid].Bytes);
            Assert.Equal("ORTHANC", orthanc.Listener.Datasets[uid].CallingAETitle);
        }
    }

    [Fact]
    public async Task CGet_Series_StreamsIntoTheSinkByteIdentical()
    {
        var (study, first) = orthanc.Studies().Last();
        var sink = new CRetrieveTests.MemorySink();
        using var timeout = new CancellationTokenSource(Bound);

        var result = await orthanc.Client().GetAsync(DicomUid.StudyRootQueryRetrieveInformationModelGet, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "SERIES")
            .Set(DicomTag.StudyInstanceUID, study)
            .Set(DicomTag.SeriesInstanceUID, first.GetString(DicomTag.SeriesInstanceUID)!), sink, cancellationToken: timeout.Token);

        Assert.True(result.Status == DimseStatus.Success, orthanc.Log);
        Assert.Equal(2, sink.Datasets.Count);
        foreach (var (uid, (path, _)) in orthanc.Instances.Where(i => i.Value.Dataset.GetString(DicomTag.StudyInstanceUID) == study))
        {
            Assert.Equal(TestFiles.DataSetBytes(path), sink.Datasets[uid]);
        }
    }

    [Fact]
    public async Task CGet_SopClassNotOffered_FailedSubOperationsInTheResult()
    {
        // Orthanc cannot send CT over an association that offers only MR: it ends the C-GET with a failure status and puts
        // the Failed SOP Instance UID List into the response's command set (DicomCommand.Decode), which is read, not waited on.
        var (study, first) = orthanc.Studies().Last();
        var series = first.GetString(DicomTag.SeriesInstanceUID)!;
        using var timeout = new CancellationTokenSource(Bound);

        var result = await orthanc.Client().GetAsync(DicomUid.StudyRootQueryRetrieveInformationModelGet, new DicomDataset()
            .Set(DicomTag.QueryRetrieveLevel, "SERIES")
            .Set(DicomTag.StudyInstanceUID, study)
            .Set(DicomTag.SeriesInstanceUID, series), new CRetrieveTests.MemorySink(), [DicomUid.MRImageStorage], cancellationToken: timeout.Token);

        Assert.False(DimseStatus.IsSuccessOrWarning(result.Status), $"status 0x{result.Status:X4}");
        Assert.True(result.SubOperations.Failed > 0, orthanc.Log);
        Assert.NotEmpty(result.FailedSopInstanceUids);
        Assert.All(result.FailedSopInstanceUids, uid => Assert.Equal(series, orthanc.Instances[uid].Dataset.GetString(DicomTag.SeriesInstanceUID)));
    }
}
