using System.IO.Hashing;
using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scu;
using Isocenter.Dicom.Network.Store;
using Isocenter.ObjectStore;

namespace Isocenter.Ingest.Tests;

/// <summary>C-STORE into the archive with DCMTK's storescu and our SCU: objects in the store, InstanceReceived on the broker, failure statuses.</summary>
public sealed class CStoreTests(IngestFixture fixture) : IClassFixture<IngestFixture>
{
    private IngestService Service => fixture.Service;

    [Fact]
    public async Task StoreScu_ThreeSyntaxesOnThreeAssociationsAtOnce_StoresEachDatasetAsSentAndAnnouncesIt()
    {
        var sent = new[] { (DicomTransferSyntax.ExplicitVRLittleEndian, "-xe"), (DicomTransferSyntax.ImplicitVRLittleEndian, "-xi"), (DicomTransferSyntax.RLELossless, "-xr") }
            .Select(s => (Files: DemoFiles.WriteSeries(Path.Combine(fixture.Folder, "three", s.Item1.Uid), 6, s.Item1), Option: s.Item2))
            .ToList();

        var runs = await Task.WhenAll(sent.Select(s => StoreScuAsync(s.Option, s.Files)));

        foreach (var run in runs)
        {
            Assert.True(run.ExitCode == 0, run.ToString());
        }
        var messages = (await fixture.Messages.TakeAsync(18)).ToDictionary(m => m.SopInstanceUid);
        foreach (var file in sent.SelectMany(s => s.Files))
        {
            await AssertStoredAndAnnouncedAsync(file, messages[file.SopInstanceUid]);
        }
        using var http = new HttpClient { BaseAddress = Service.HttpAddress };
        Assert.Contains("isocenter_ingest_instances_received", await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreScu_SameInstancesTwice_ReplacesTheObjectsAndAnnouncesThemAgain()
    {
        var files = DemoFiles.WriteSeries(Path.Combine(fixture.Folder, "twice"), 3, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal(0, (await StoreScuAsync("-xe", files)).ExitCode);
        var first = await fixture.Messages.TakeAsync(3);

        var again = await StoreScuAsync("-xe", files);

        Assert.True(again.ExitCode == 0, again.ToString());
        var second = (await fixture.Messages.TakeAsync(3)).ToDictionary(m => m.SopInstanceUid);
        foreach (var message in first)
        {
            Assert.Equal(message with { ReceivedAt = default }, second[message.SopInstanceUid] with { ReceivedAt = default });
        }
        foreach (var file in files)
        {
            await AssertStoredAndAnnouncedAsync(file, second[file.SopInstanceUid]);
        }
        Assert.Equal(3, await Service.Store.ListAsync(ObjectKeys.SeriesInstances(files[0].StudyInstanceUid, files[0].SeriesInstanceUid), default).CountAsync());
    }

    [Fact]
    public async Task DicomClient_TruncatedDataset_CannotUnderstandWithReasonAndServiceKeepsRunning()
    {
        var path = Path.Combine(fixture.Folder, "truncated.dcm");
        Directory.CreateDirectory(fixture.Folder);
        var sop = DicomUid.Generate();
        using (var file = File.Create(path))
        {
            DicomFileHeader.WritePart10Header(file, DicomUid.CTImageStorage, sop, DicomTransferSyntax.ExplicitVRLittleEndian);
            // (0008,0016) UI, then (0010,0010) PN announcing 200 bytes of which 6 follow.
            using var valid = new MemoryStream();
            Dicom.IO.DicomWriter.Write(valid, new DicomDataset().Set(DicomTag.SOPClassUID, DicomUid.CTImageStorage), DicomTransferSyntax.ExplicitVRLittleEndian);
            file.Write(valid.ToArray());
            file.Write([0x10, 0x00, 0x10, 0x00, (byte)'P', (byte)'N', 200, 0, .. "Smith^"u8]);
        }

        var result = Assert.Single(await Client().StoreAsync([path]));

        Assert.Equal(DimseStatus.CannotUnderstand, result.Status);
        Assert.Contains("cannot be parsed", result.Error, StringComparison.Ordinal);
        Assert.Contains(Service.Logs, line => line.Contains(sop, StringComparison.Ordinal) && line.Contains("0xC000", StringComparison.Ordinal));
        Assert.Equal(0, fixture.Messages.Pending);
        Assert.Equal(DimseStatus.Success, await Client().EchoAsync());
    }

    [Fact]
    public async Task DicomClient_DatasetOfAnotherSopClass_DataSetDoesNotMatchSopClass()
    {
        var file = DemoFiles.WriteSeries(Path.Combine(fixture.Folder, "mismatch"), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        var dataset = file.DataSet;
        var mislabelled = Path.Combine(fixture.Folder, "mismatch", "mr.dcm");
        using (var stream = File.Create(mislabelled))
        {
            // The meta (and so the request) says MR; the dataset is a CT.
            DicomFileHeader.WritePart10Header(stream, DicomUid.MRImageStorage, file.SopInstanceUid, DicomTransferSyntax.ExplicitVRLittleEndian);
            stream.Write(dataset);
        }

        var result = Assert.Single(await Client().StoreAsync([mislabelled]));

        Assert.Equal(DimseStatus.DataSetDoesNotMatchSopClass, result.Status);
        Assert.Contains(DicomUid.CTImageStorage, result.Error, StringComparison.Ordinal);
        Assert.Null(await Service.Store.StatAsync(ObjectKeys.Instance(file.StudyInstanceUid, file.SeriesInstanceUid, file.SopInstanceUid), default));
    }

    [Fact]
    public async Task StoreScu_SopClassTheArchiveDoesNotAccept_RefusedAndNothingStored()
    {
        var file = DemoFiles.WriteSeries(Path.Combine(fixture.Folder, "private"), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        var dataset = DicomFile.Open(file.Path).Dataset.Set(DicomTag.SOPClassUID, "1.2.826.0.1.3680043.9.9999.1");
        var path = Path.Combine(fixture.Folder, "private", "private.dcm");
        new DicomFile(dataset).Save(path);

        var run = await StoreScuAsync("-xe", [file with { Path = path }]);

        Assert.Contains("no presentation context", run.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Null(await Service.Store.StatAsync(ObjectKeys.Instance(file.StudyInstanceUid, file.SeriesInstanceUid, file.SopInstanceUid), default));
        Assert.Equal(0, fixture.Messages.Pending);
    }

    private DicomClient Client() => new("127.0.0.1", Service.DicomPort,
        new DicomClientOptions { CallingAETitle = IngestFixture.CallingAETitle, CalledAETitle = "ISOCENTER" });

    private Task<ToolRun> StoreScuAsync(string syntaxOption, IEnumerable<SentFile> files) => Dcmtk.RunAsync("storescu",
        ["-aet", IngestFixture.CallingAETitle, "-aec", "ISOCENTER", syntaxOption, "127.0.0.1", Service.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. files.Select(f => f.Path)]);

    private async Task AssertStoredAndAnnouncedAsync(SentFile file, InstanceReceived message)
    {
        var key = ObjectKeys.Instance(file.StudyInstanceUid, file.SeriesInstanceUid, file.SopInstanceUid);
        byte[] stored;
        await using (var stream = await Service.Store.OpenReadAsync(key, default))
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            stored = copy.ToArray();
        }
        var header = DicomFileHeader.Read(new MemoryStream(stored));
        Assert.Equal(file.TransferSyntax, header.TransferSyntax);
        Assert.Equal(file.DataSet, stored[(int)header.DataSetOffset..]);

        Assert.Equal((file.StudyInstanceUid, file.SeriesInstanceUid, file.SopInstanceUid, DicomUid.CTImageStorage, file.TransferSyntax.Uid, key, IngestFixture.CallingAETitle),
            (message.StudyInstanceUid, message.SeriesInstanceUid, message.SopInstanceUid, message.SopClassUid, message.TransferSyntaxUid, message.ObjectKey, message.SourceAETitle));
        Assert.Equal(stored.Length, message.Size);
        Assert.Equal("xxh128:" + Convert.ToHexStringLower(XxHash128.Hash(stored)), message.Checksum);
        var json = DicomJson.Deserialize(message.Header);
        Assert.Equal(file.SopInstanceUid, json.GetString(DicomTag.SOPInstanceUID));
        Assert.Equal(DicomFile.Open(file.Path).Dataset.GetString(DicomTag.PatientName), json.GetString(DicomTag.PatientName));
        Assert.True(json.Contains(DicomTag.Rows));
        Assert.False(json.Contains(DicomTag.PixelData));
    }
}
