using CsCheck;

namespace Isocenter.Dicom.Tests.IO;

/// <summary>
/// Property: any valid dataset, written in any writable transfer syntax, reads back equal. In Implicit VR the VR read back
/// is the dictionary's, and private elements come back as UN (their creators are made up, so no private dictionary knows
/// them). On failure CsCheck reports the seed to replay (set it as <c>CsCheck_Seed</c>) and the shrunk dataset.
/// </summary>
public class RandomDatasetTests
{
    [Fact]
    public void SaveThenOpen_AnyValidDataset_GivesEqualDataset() =>
        DatasetGenerators.Dataset.Sample(dataset =>
        {
            foreach (var syntax in DicomTransferSyntax.Writable)
            {
                using var stream = new MemoryStream();
                new DicomFile(dataset, syntax).Save(stream);
                stream.Position = 0;
                var copy = DicomFile.Open(stream);
                Assert.Equal(syntax, copy.TransferSyntax);
                Assert.Empty(copy.Warnings);
                var difference = DatasetAssert.FirstDifference(dataset, copy.Dataset, implicitVR: !syntax.IsExplicitVR);
                Assert.True(difference is null, $"{syntax.Name}: datasets differ at {difference}");
            }
        }, iter: 1000, print: DatasetGenerators.Describe);
}
