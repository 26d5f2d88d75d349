namespace Isocenter.Dicom.Tests.IO;

public class DicomDatasetBuilderTests
{
    // Found by RandomDatasetTests (seed 8_mLXkuvT263): an item in group 0006 precedes (0008,0005) yet is covered by it.
    [Theory]
    [MemberData(nameof(WritableSyntaxes))]
    public void Open_CharacterSetDeclaredAfterASequence_DecodesTheSequenceItemsWithIt(string syntaxUid)
    {
        var item = new DicomDataset().Set(DicomTag.AgeCorrectedSensitivityDeviationAlgorithmSequence, new DicomDataset());
        item.Set(DicomTag.ClinicalTrialSponsorName, "Jörg Ωmega 山田");
        var dataset = new DicomDataset()
            .Set(new DicomTag(0x0006, 0x0001), item)
            .Set(DicomTag.SpecificCharacterSet, "ISO_IR 192")
            .Set(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
            .Set(DicomTag.SOPInstanceUID, "1.2.3.4");
        using var stream = new MemoryStream();
        new DicomFile(dataset, DicomTransferSyntax.Parse(syntaxUid)).Save(stream);
        stream.Position = 0;

        var read = DicomFile.Open(stream).Dataset;

        Assert.Equal("Jörg Ωmega 山田", read.GetSequence(new DicomTag(0x0006, 0x0001))!.Items[0].GetString(DicomTag.ClinicalTrialSponsorName));
    }

    public static TheoryData<string> WritableSyntaxes() => [.. DicomTransferSyntax.Writable.Select(ts => ts.Uid)];
}
