namespace Isocenter.Dicom.Tests;

public class DicomDictionaryTests
{
    [Fact]
    public void Find_StandardTag_ReturnsKeywordVRAndVM()
    {
        var entry = DicomDictionary.Find(DicomTag.PatientName);
        Assert.NotNull(entry);
        Assert.Equal("PatientName", entry.Keyword);
        Assert.Equal(DicomVR.PN, entry.DefaultVR);
        Assert.Equal("1", entry.ValueMultiplicity);
    }

    [Theory]
    [InlineData(0x60000010u, "OverlayRows")]
    [InlineData(0x601E3000u, "OverlayData")]
    [InlineData(0x50100005u, "CurveDimensions")]
    [InlineData(0x00203105u, "SourceImageIDs")]
    public void Find_RepeatingGroup_MatchesMask(uint tag, string keyword) =>
        Assert.Equal(keyword, DicomDictionary.Find(new DicomTag(tag))?.Keyword);

    [Fact]
    public void Find_AmbiguousVR_ListsAlternativesWithImplicitDefaultFirst()
    {
        Assert.Equal([DicomVR.US, DicomVR.SS], DicomDictionary.Find(DicomTag.SmallestImagePixelValue)!.ValueRepresentations);
        Assert.Equal([DicomVR.OW, DicomVR.OB], DicomDictionary.Find(DicomTag.PixelData)!.ValueRepresentations);
    }

    [Fact]
    public void Find_GroupLengthAndPrivateCreator_AreRules()
    {
        Assert.Equal(DicomVR.UL, DicomDictionary.Find(new DicomTag(0x0009, 0x0000))!.DefaultVR);
        Assert.Equal(DicomVR.LO, DicomDictionary.Find(new DicomTag(0x0029, 0x0010))!.DefaultVR);
    }

    [Fact]
    public void FindPrivate_KnownCreator_ReturnsEntry()
    {
        var entry = DicomDictionary.FindPrivate(new DicomTag(0x0019, 0x1010), "1.2.840.113681");
        Assert.NotNull(entry);
        Assert.Equal("CRImageParamsCommon", entry.Keyword);
        Assert.Null(DicomDictionary.FindPrivate(new DicomTag(0x0019, 0x1010), "NOBODY"));
    }

    [Theory]
    [InlineData("(0010,0010)")]
    [InlineData("00100010")]
    [InlineData("PatientName")]
    public void DicomTag_Parse_AcceptsAllForms(string text) => Assert.Equal(DicomTag.PatientName, DicomTag.Parse(text));

    [Fact]
    public void DicomUid_Find_KnowsSopClassesAndTransferSyntaxes()
    {
        Assert.Equal("CTImageStorage", DicomUid.Find("1.2.840.10008.5.1.4.1.1.2")!.Keyword);
        Assert.Equal("Transfer Syntax", DicomUid.Find(DicomUid.ExplicitVRLittleEndian)!.Type);
    }

    [Fact]
    public void DicomUid_Generate_IsValidAndUnique()
    {
        var a = DicomUid.Generate();
        Assert.True(DicomUid.IsValid(a), a);
        Assert.NotEqual(a, DicomUid.Generate());
    }
}
