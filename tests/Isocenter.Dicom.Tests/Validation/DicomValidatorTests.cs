using Isocenter.Dicom.Validation;

namespace Isocenter.Dicom.Tests.Validation;

public class DicomValidatorTests
{
    [Theory]
    [InlineData(DicomVR.DA, "20240229", true)]
    [InlineData(DicomVR.DA, "20230229", false)]
    [InlineData(DicomVR.TM, "235960.123456", true)]
    [InlineData(DicomVR.TM, "24", false)]
    [InlineData(DicomVR.DS, "-1.5e-3", true)]
    [InlineData(DicomVR.DS, "1,5", false)]
    [InlineData(DicomVR.IS, "2147483648", false)]
    [InlineData(DicomVR.CS, "ORIGINAL", true)]
    [InlineData(DicomVR.CS, "original", false)]
    [InlineData(DicomVR.AS, "045Y", true)]
    [InlineData(DicomVR.AS, "45Y", false)]
    [InlineData(DicomVR.UI, "1.2.840.10008.1.2", true)]
    [InlineData(DicomVR.UI, "1.02.3", false)]
    [InlineData(DicomVR.DT, "20240101120000.5+0100", true)]
    [InlineData(DicomVR.LO, "tab\there", false)]
    [InlineData(DicomVR.LT, "line\r\nbreak", true)]
    public void CheckText_FollowsPS3_5Section6_2(DicomVR vr, string value, bool valid) =>
        Assert.Equal(valid, DicomValidator.CheckText(vr, value) is null);

    [Theory]
    [InlineData(1, "1", true)]
    [InlineData(2, "1", false)]
    [InlineData(4, "2-2n", true)]
    [InlineData(3, "2-2n", false)]
    [InlineData(3, "1-3", true)]
    [InlineData(7, "1-n", true)]
    public void MatchesVM_ReadsPS3_6Notation(int count, string vm, bool ok) => Assert.Equal(ok, DicomValidator.MatchesVM(count, vm));

    [Fact]
    public void Validate_IssuesInsideSequences_ReportsTheirPath()
    {
        var item = new DicomDataset().Set(DicomTag.ReferencedSOPInstanceUID, "1.2.03");
        var dataset = new DicomDataset().Set(DicomTag.ReferencedImageSequence, item).Set(DicomTag.Modality, "CT", "MR");

        var issues = DicomValidator.Validate(dataset);

        Assert.Contains(issues, i => i.Path == "(0008,1140)[0].(0008,1155)" && i.Severity == DicomValidationSeverity.Error);
        Assert.Contains(issues, i => i.Path == "(0008,0060)" && i.Message.Contains("VM 1", StringComparison.Ordinal));
    }
}
