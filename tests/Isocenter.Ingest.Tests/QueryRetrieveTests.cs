using System.Globalization;
using Isocenter.Dicom;

namespace Isocenter.Ingest.Tests;

/// <summary>
/// C-FIND, C-MOVE and C-GET against the archive with findscu, movescu and getscu: a series stored with storescu and indexed
/// from the instances its InstancesReceived messages announce (as the storage service indexes them) is found, and retrieved byte for byte.
/// </summary>
public sealed class QueryRetrieveTests(IngestFixture fixture) : IClassFixture<IngestFixture>
{
    private string Port => fixture.Service.DicomPort.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task FindScu_StudyRootStudyLevel_AnswersTheStoredStudy()
    {
        var files = await StoreAndIndexAsync("find", 3);

        var run = await Dcmtk.RunAsync("findscu", "-v", "-S", "-aet", IngestFixture.CallingAETitle, "-aec", "ISOCENTER", "127.0.0.1", Port,
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={files[0].StudyInstanceUID}", "-k", "PatientName", "-k", "NumberOfStudyRelatedInstances");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(files[0].StudyInstanceUID, run.Output, StringComparison.Ordinal);
        Assert.Contains(DicomFile.Open(files[0].Path).Dataset.GetString(DicomTag.PatientName)!, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindScu_PatientLevelInStudyRoot_IdentifierDoesNotMatchSopClass()
    {
        var run = await Dcmtk.RunAsync("findscu", "-v", "-S", "-aet", IngestFixture.CallingAETitle, "-aec", "ISOCENTER", "127.0.0.1", Port,
            "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientName");

        // A900, Identifier does not match SOP class (PS3.4 C.4.1.1.4), which DCMTK names as C-STORE's A900.
        Assert.True(run.Output.Contains("Final Find Response (Error: DataSetDoesNotMatchSOPClass)", StringComparison.Ordinal), run.ToString());
    }

    [Fact]
    public async Task GetScu_Series_ReceivesEachDatasetAsStored()
    {
        var files = await StoreAndIndexAsync("get", 3);
        var into = Path.Combine(fixture.Folder, "got");
        Directory.CreateDirectory(into);

        var run = await Dcmtk.RunAsync("getscu", "-S", "-aet", IngestFixture.CallingAETitle, "-aec", "ISOCENTER", "-od", into, "127.0.0.1", Port,
            "-k", "QueryRetrieveLevel=SERIES", "-k", $"StudyInstanceUID={files[0].StudyInstanceUID}", "-k", $"SeriesInstanceUID={files[0].SeriesInstanceUID}");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var file in files)
        {
            Assert.Equal(file.DataSet, Part10.DataSet(Directory.GetFiles(into).Single(path => Path.GetFileName(path).Contains(file.SopInstanceUid, StringComparison.Ordinal))));
        }
    }

    [Fact]
    public async Task MoveScu_StudyToAConfiguredDestination_ReceivesEachDatasetAsStored()
    {
        var files = await StoreAndIndexAsync("move", 2);
        var into = Path.Combine(fixture.Folder, "moved");
        Directory.CreateDirectory(into);

        var run = await Dcmtk.RunAsync("movescu", "-S", "-aet", IngestFixture.CallingAETitle, "-aec", "ISOCENTER", "-aem", "MOVESCU",
            "--port", fixture.MoveDestinationPort.ToString(CultureInfo.InvariantCulture), "-od", into, "127.0.0.1", Port,
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={files[0].StudyInstanceUID}");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var file in files)
        {
            Assert.Equal(file.DataSet, Part10.DataSet(Directory.GetFiles(into).Single(path => Path.GetFileName(path).Contains(file.SopInstanceUid, StringComparison.Ordinal))));
        }
    }

    /// <summary>A demo series stored with storescu, and indexed from the instances its messages announced.</summary>
    private async Task<List<(string Path, string StudyInstanceUID, string SeriesInstanceUID, string SopInstanceUid, byte[] DataSet)>> StoreAndIndexAsync(string name, int slices)
    {
        var files = DemoFiles.WriteSeries(Path.Combine(fixture.Folder, name), slices, DicomTransferSyntax.ExplicitVRLittleEndian);
        var stored = await Dcmtk.RunAsync("storescu", ["-aet", IngestFixture.CallingAETitle, "-aec", "ISOCENTER", "127.0.0.1", Port, .. files.Select(f => f.Path)]);
        Assert.True(stored.ExitCode == 0, stored.ToString());
        await fixture.Service.Index.UpsertAsync(await fixture.Messages.TakeAsync(slices), default);
        return [.. files.Select(f => (f.Path, f.StudyInstanceUid, f.SeriesInstanceUid, f.SopInstanceUid, f.DataSet))];
    }
}
