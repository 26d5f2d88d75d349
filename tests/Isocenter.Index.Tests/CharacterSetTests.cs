using System.Text;
using Isocenter.Dicom;
using static Isocenter.Index.Tests.TestInstances;

namespace Isocenter.Index.Tests;

/// <summary>Names in other character sets, from pydicom's charset_files (read with the toolkit, indexed, found again).</summary>
public sealed class CharacterSetTests : IndexDatabase
{
    private const string CharsetFiles = "/usr/lib/python3/dist-packages/pydicom/data/charset_files";

    // PS3.4 C.2.2.2.1 (PN single value matching) and PS3.3 C.12.1.1.2 (the answer in ISO_IR 192).
    [Theory]
    [InlineData("chrH31.dcm")]
    [InlineData("chrGerm.dcm")]
    [InlineData("chrRuss.dcm")]
    [InlineData("chrGreek.dcm")]
    [InlineData("chrX1.dcm")]
    [InlineData("chrKoreanMulti.dcm")]
    public async Task FindAsync_NameFromPydicomCharsetFile_FoundByItsNameAndAnsweredInUtf8(string file)
    {
        Assert.True(File.Exists(Path.Combine(CharsetFiles, file)), $"{CharsetFiles}/{file} is missing: run ./dev.sh test, which installs python3-pydicom");
        var dataset = DicomFile.Open(Path.Combine(CharsetFiles, file), new DicomReadOptions { StopBeforePixelData = true }).Dataset;
        var study = "2.25.7." + file.Length + "." + (uint)file.GetHashCode(StringComparison.Ordinal);
        dataset.Set(DicomTag.StudyInstanceUID, study).Set(DicomTag.SeriesInstanceUID, study + ".1").Set(DicomTag.SOPInstanceUID, study + ".1.1");
        var name = dataset.GetString(DicomTag.PatientName)!;
        await Store.UpsertAsync([Message(dataset)], CancellationToken.None);

        var match = Assert.Single(await FindAsync(QueryLevel.Study, Identifier(DicomTag.PatientName, name, DicomTag.StudyInstanceUID, study)));

        Assert.Equal(name.TrimEnd('='), match.GetString(DicomTag.PatientName)); // DICOM JSON has no empty trailing group
        Assert.Equal(Ascii.IsValid(name) ? "" : "ISO_IR 192", match.GetString(DicomTag.SpecificCharacterSet) ?? "");
        var wildcard = name[..Math.Min(3, name.Length)].ToUpperInvariant() + "*";
        Assert.Contains(await FindAsync(QueryLevel.Study, Identifier(DicomTag.PatientName, wildcard)), m => m.GetString(DicomTag.StudyInstanceUID) == study);
    }
}
