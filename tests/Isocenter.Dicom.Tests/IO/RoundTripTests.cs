using Isocenter.Dicom.Text;

namespace Isocenter.Dicom.Tests.IO;

/// <summary>Every file of pydicom's real-world corpus, written in every transfer syntax it can be, reads back equal.</summary>
public class RoundTripTests
{
    public static TheoryData<string, string> Cases => Corpus.FilesBySyntax();

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public void SaveThenOpen_CorpusFile_GivesEqualDataset(string file, string syntax)
    {
        var original = Corpus.OpenForSaving(file);
        var transferSyntax = Corpus.Syntax(syntax, original);

        using var stream = new MemoryStream();
        original.Save(stream, transferSyntax);
        stream.Position = 0;
        var copy = DicomFile.Open(stream);

        Assert.Equal(transferSyntax, copy.TransferSyntax);
        Assert.Empty(copy.Warnings);
        DatasetAssert.Equal(original.Dataset, copy.Dataset, implicitVR: !transferSyntax.IsExplicitVR);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(64 * 1024)]
    public void Save_OverTheFileItWasReadFrom_KeepsEveryValue(long lazyThreshold)
    {
        var folder = Directory.CreateTempSubdirectory("isocenter-save-");
        try
        {
            var path = Path.Combine(folder.FullName, "image.dcm");
            File.WriteAllBytes(path, SampleFiles.Bytes(SampleFiles.Dataset(pixelBytes: 8192, bulkBytes: 3001), DicomTransferSyntax.ExplicitVRLittleEndian));
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1)); // written a while ago, as files usually are
            var expected = DicomFile.Open(new MemoryStream(File.ReadAllBytes(path))).Dataset;
            var file = DicomFile.Open(path, new DicomReadOptions { LazyBulkDataThreshold = lazyThreshold });

            file.Save(path, DicomTransferSyntax.ExplicitVRBigEndian);

            DatasetAssert.Equal(expected, DicomFile.Open(path).Dataset);
            Assert.Equal(["image.dcm"], folder.GetFiles().Select(f => f.Name));
            if (file.Dataset.GetElement(DicomTag.PixelData).Buffer is { IsLoaded: false } left)
            {
                // What the old DicomFile left in the file is gone: reading it says so rather than giving other bytes.
                Assert.Throws<DicomDataException>(() => left.Memory);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Save_WhenTheDatasetCannotBeWritten_LeavesNoFileAndKeepsTheOldOne()
    {
        var folder = Directory.CreateTempSubdirectory("isocenter-save-");
        try
        {
            var path = Path.Combine(folder.FullName, "image.dcm");
            var noSopInstance = new DicomFile(new DicomDataset().Set(DicomTag.SOPClassUID, DicomUid.CTImageStorage));
            Assert.Throws<DicomDataException>(() => noSopInstance.Save(path));
            Assert.Empty(folder.GetFileSystemInfos());

            // Fails after the meta header is written: encapsulated pixel data cannot go into a native transfer syntax.
            File.WriteAllBytes(path, [1, 2, 3]);
            var dataset = new DicomDataset()
                .Set(DicomTag.SOPClassUID, DicomUid.CTImageStorage)
                .Set(DicomTag.SOPInstanceUID, "1.2.3.4")
                .Add(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, DicomBuffer.Empty, DicomBuffer.FromBytes(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 })));
            var compressed = new DicomFile(dataset, DicomTransferSyntax.JPEGBaseline8Bit);
            Assert.Throws<DicomDataException>(() => compressed.Save(path, DicomTransferSyntax.ExplicitVRLittleEndian));
            Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
            Assert.Equal(["image.dcm"], folder.GetFiles().Select(f => f.Name));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public static TheoryData<string> WritableSyntaxes => [.. DicomTransferSyntax.Writable.Select(ts => ts.Name)];

    [Theory]
    [MemberData(nameof(WritableSyntaxes))]
    public void SaveThenOpen_TextReencodedPastA16BitLength_ReadsBack(string syntax)
    {
        // Latin-1 text doubles in length when the writer re-encodes it into the dataset's UTF-8: past 65534 bytes, a VR
        // with a 16-bit length field must be written as UN in Explicit VR (PS3.5 6.2.2).
        var latin1 = DicomBuffer.FromBytes(Enumerable.Repeat((byte)0xE9, 40_000).ToArray()); // "ééé..."
        var dataset = new DicomDataset()
            .Set(DicomTag.SpecificCharacterSet, "ISO_IR 192")
            .Set(DicomTag.SOPClassUID, DicomUid.SecondaryCaptureImageStorage)
            .Set(DicomTag.SOPInstanceUID, "1.2.3.4")
            .Add(new DicomValueElement(DicomTag.OtherPatientNames, DicomVR.PN, latin1, DicomCharacterSet.Default))
            .Add(new DicomValueElement(DicomTag.PatientComments, DicomVR.LT, latin1, DicomCharacterSet.Default))
            .Set(DicomTag.PatientID, "after them");
        var transferSyntax = DicomTransferSyntax.Writable.Single(ts => ts.Name == syntax);

        using var stream = new MemoryStream();
        new DicomFile(dataset, transferSyntax).Save(stream);
        stream.Position = 0;
        var copy = DicomFile.Open(stream);

        Assert.Empty(copy.Warnings);
        DatasetAssert.Equal(dataset, copy.Dataset, implicitVR: !transferSyntax.IsExplicitVR);
        Assert.Equal(80_000, copy.Dataset.GetElement(DicomTag.PatientComments).Length);
    }

    [Fact]
    public void Save_TextTheCharacterSetCannotHold_IsRefused()
    {
        // No Specific Character Set: the default repertoire, which has no kanji. The writer must not put '?' in their place.
        var dataset = new DicomDataset()
            .Set(DicomTag.SOPClassUID, DicomUid.SecondaryCaptureImageStorage)
            .Set(DicomTag.SOPInstanceUID, "1.2.3.4")
            .Set(DicomTag.PatientName, "山田^太郎");

        var e = Assert.Throws<DicomDataException>(() => new DicomFile(dataset).Save(new MemoryStream()));
        Assert.Contains("(0010,0010)", e.Message, StringComparison.Ordinal);

        using var stream = new MemoryStream();
        new DicomFile(dataset.Set(DicomTag.SpecificCharacterSet, "ISO_IR 192")).Save(stream);
        stream.Position = 0;
        Assert.Equal("山田^太郎", DicomFile.Open(stream).Dataset.GetString(DicomTag.PatientName));
    }
}
