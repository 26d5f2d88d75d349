using Isocenter.Dicom;
using static Isocenter.Index.Tests.TestInstances;

namespace Isocenter.Index.Tests;

/// <summary>
/// The index loaded once with five patients: ASCII, Japanese (three component groups) and German names, studies across
/// dates and times, several modalities.
/// </summary>
public sealed class FindFixture : IndexDatabase
{
    public const string Japanese = "Yamada^Tarou=山田^太郎=やまだ^たろう";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.UpsertAsync(
        [
            Message(Dataset("PID1", "Doe^John", "9.1", "9.1.1", "9.1.1.1", "CT", "20240115", "101500", 1, 1, d => d.Set(DicomTag.InstitutionName, "General Hospital"))),
            Message(Dataset("PID1", "Doe^John", "9.1", "9.1.1", "9.1.1.2", "CT", "20240115", "101500", 2, 1)),
            Message(Dataset("PID1", "Doe^John", "9.1", "9.1.2", "9.1.2.1", "SR", "20240115", "101500", 1, 2,
                d => d.Set(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.88.11"))),
            Message(Dataset("PID1", "Doe^John", "9.2", "9.2.1", "9.2.1.1", "MR", "20230601", "0800", 1, 1, d => d
                .Set(DicomTag.AccessionNumber, "ACC_2").Set(DicomTag.StudyDescription, "MR Knee 100%").Set(DicomTag.PatientAge, "053Y"))),
            Message(Dataset("PID2", Japanese, "9.3", "9.3.1", "9.3.1.1", "CT", "20240120", "235959.5", extra: d => d
                .Set(DicomTag.SpecificCharacterSet, "ISO_IR 192").Set(DicomTag.PatientSex, "M").Set(DicomTag.AccessionNumber, "ACC12"))),
            Message(Dataset("PID3", "Müller^Jürgen", "9.4", "9.4.1", "9.4.1.1", "US", "20240301", "120000", extra: d => d
                .Set(DicomTag.PatientSex, "M").Set(DicomTag.PatientBirthDate, "19851224").Set(DicomTag.ReferringPhysicianName, "Weiß^Zoë"))),
            Message(Dataset("pid4", "DOE^JANE", "9.5", "9.5.1", "9.5.1.1", "MR", "20250101", "000000", extra: d => d
                .Set(DicomTag.PatientSex, "F").Set(DicomTag.PatientBirthDate, "19991231"))),
        ], CancellationToken.None);
    }
}

public sealed class FindTests(FindFixture index) : IClassFixture<FindFixture>
{
    private static readonly string[] AllStudies = ["9.1", "9.2", "9.3", "9.4", "9.5"];

    private async Task<string[]> StudiesAsync(params object[] keys) =>
        [.. (await index.FindAsync(QueryLevel.Study, Identifier(keys))).Select(m => m.GetString(DicomTag.StudyInstanceUID)!)];

    private async Task<string[]> PatientsAsync(params object[] keys) =>
        [.. (await index.FindAsync(QueryLevel.Patient, Identifier(keys))).Select(m => m.GetString(DicomTag.PatientID)!)];

    // PS3.4 C.2.2.2.1 single value matching: case-sensitive, except PN, which the standard lets match insensitively.
    [Theory]
    [InlineData("PatientID", "PID1", new[] { "9.1", "9.2" })]
    [InlineData("PatientID", "pid1", new string[0])]
    [InlineData("AccessionNumber", "ACC12", new[] { "9.3" })]
    [InlineData("AccessionNumber", "acc12", new string[0])]
    [InlineData("StudyID", "1", new[] { "9.1", "9.2", "9.3", "9.4", "9.5" })]
    [InlineData("PatientName", "doe^john", new[] { "9.1", "9.2" })]
    [InlineData("PatientName", "DOE^JOHN^^", new[] { "9.1", "9.2" })]
    [InlineData("PatientName", "Doe", new string[0])]
    [InlineData("PatientName", "MÜLLER^JÜRGEN", new[] { "9.4" })]
    [InlineData("PatientName", "山田^太郎", new[] { "9.3" })]
    [InlineData("PatientName", "やまだ^たろう", new[] { "9.3" })]
    [InlineData("ReferringPhysicianName", "weiß^zoë", new[] { "9.4" })]
    [InlineData("PatientSex", "F", new[] { "9.5" })]
    [InlineData("StudyDescription", "MR Knee 100%", new[] { "9.2" })]
    public async Task FindAsync_StudySingleValue_MatchesExactly(string keyword, string value, string[] expected) =>
        Assert.Equal(expected, await StudiesAsync(DicomTag.Parse(keyword), value));

    // PS3.4 C.2.2.2.3 universal matching: an empty value matches every entity and asks for its value.
    [Fact]
    public async Task FindAsync_StudyUniversalKeys_EveryStudyWithItsValues()
    {
        var matches = await index.FindAsync(QueryLevel.Study, Identifier(DicomTag.PatientName, "", DicomTag.StudyDate, "", DicomTag.AccessionNumber, ""));

        Assert.Equal(AllStudies, matches.Select(m => m.GetString(DicomTag.StudyInstanceUID)));
        Assert.Equal(["Doe^John", "Doe^John", FindFixture.Japanese, "Müller^Jürgen", "DOE^JANE"], matches.Select(m => m.GetString(DicomTag.PatientName)));
        Assert.Equal(["20240115", "20230601", "20240120", "20240301", "20250101"], matches.Select(m => m.GetString(DicomTag.StudyDate)));
        Assert.Equal("ACC_2", matches[1].GetString(DicomTag.AccessionNumber));
    }

    // PS3.4 C.2.2.2.4 wildcard matching: '*' any sequence, '?' one character; other characters (LIKE's % and _) are literal.
    [Theory]
    [InlineData("PatientName", "Doe*", new[] { "9.1", "9.2", "9.5" })]
    [InlineData("PatientName", "D?E^J*", new[] { "9.1", "9.2", "9.5" })]
    [InlineData("PatientName", "*jürgen", new[] { "9.4" })]
    [InlineData("PatientName", "山田*", new[] { "9.3" })]
    [InlineData("PatientName", "*", new[] { "9.1", "9.2", "9.3", "9.4", "9.5" })]
    [InlineData("AccessionNumber", "ACC_*", new[] { "9.2" })]
    [InlineData("AccessionNumber", "ACC?2", new[] { "9.2", "9.3" })]
    [InlineData("AccessionNumber", "acc*", new string[0])]
    [InlineData("StudyDescription", "*100%", new[] { "9.2" })]
    [InlineData("StudyDescription", "*1%", new string[0])]
    [InlineData("PatientID", "PID?", new[] { "9.1", "9.2", "9.3", "9.4" })]
    public async Task FindAsync_StudyWildcard_MatchesPattern(string keyword, string value, string[] expected) =>
        Assert.Equal(expected, await StudiesAsync(DicomTag.Parse(keyword), value));

    // PS3.4 C.2.2.2.2 list of UID matching; UIDs take no wildcards.
    [Theory]
    [InlineData("9.1\\9.3\\9.9", new[] { "9.1", "9.3" })]
    [InlineData("9.4", new[] { "9.4" })]
    [InlineData("9.*", new string[0])]
    [InlineData("*", new[] { "9.1", "9.2", "9.3", "9.4", "9.5" })]
    public async Task FindAsync_StudyInstanceUidList_MatchesAnyListed(string value, string[] expected) =>
        Assert.Equal(expected, await StudiesAsync(DicomTag.StudyInstanceUID, value));

    // PS3.4 C.2.2.2.5 range matching of DA and TM values.
    [Theory]
    [InlineData("StudyDate", "20240115", new[] { "9.1" })]
    [InlineData("StudyDate", "20240101-20241231", new[] { "9.1", "9.3", "9.4" })]
    [InlineData("StudyDate", "-20231231", new[] { "9.2" })]
    [InlineData("StudyDate", "20240120-", new[] { "9.3", "9.4", "9.5" })]
    [InlineData("StudyTime", "1000-1100", new[] { "9.1" })]
    [InlineData("StudyTime", "-0800", new[] { "9.2", "9.5" })]
    [InlineData("StudyTime", "2359-", new[] { "9.3" })]
    [InlineData("StudyTime", "10", new[] { "9.1" })]
    [InlineData("StudyTime", "101500", new[] { "9.1" })]
    [InlineData("StudyDate", "*", new[] { "9.1", "9.2", "9.3", "9.4", "9.5" })]
    public async Task FindAsync_StudyDateTimeRange_MatchesInclusively(string keyword, string value, string[] expected) =>
        Assert.Equal(expected, await StudiesAsync(DicomTag.Parse(keyword), value));

    [Fact]
    public async Task FindAsync_InvalidDate_ThrowsArgumentException() =>
        await Assert.ThrowsAsync<ArgumentException>(() => StudiesAsync(DicomTag.StudyDate, "2024-01-15"));

    // PS3.4 C.6.2.1.2: Modalities in Study matches studies holding a series of any listed modality.
    [Theory]
    [InlineData("MR", new[] { "9.2", "9.5" })]
    [InlineData("SR\\US", new[] { "9.1", "9.4" })]
    public async Task FindAsync_ModalitiesInStudy_MatchesStudiesHoldingOne(string value, string[] expected) =>
        Assert.Equal(expected, await StudiesAsync(DicomTag.ModalitiesInStudy, value));

    // Several matching keys: every one must match (C.2.2.2); Patient Root style (patient key at study level) and Study Root style.
    [Fact]
    public async Task FindAsync_StudyWithPatientAndStudyKeys_MatchesAll()
    {
        Assert.Equal(["9.1"], await StudiesAsync(DicomTag.PatientID, "PID1", DicomTag.StudyDate, "20240101-", DicomTag.ModalitiesInStudy, "CT"));
        Assert.Equal(["9.2"], await StudiesAsync(DicomTag.PatientName, "Doe^John", DicomTag.AccessionNumber, "ACC_2"));
    }

    // PS3.18 10.6.3.3.1 fuzzymatching: case-insensitive word prefixes of any component.
    [Theory]
    [InlineData("joh", new[] { "9.1", "9.2" })]
    [InlineData("jo do", new[] { "9.1", "9.2" })]
    [InlineData("ja", new[] { "9.5" })]
    [InlineData("jü", new[] { "9.4" })]
    [InlineData("たろ", new[] { "9.3" })]
    [InlineData("ohn", new string[0])]
    public async Task FindAsync_FuzzyPatientName_MatchesWordPrefixes(string value, string[] expected)
    {
        var matches = await index.FindAsync(QueryLevel.Study, Identifier(DicomTag.PatientName, value), fuzzy: true);
        Assert.Equal(expected, matches.Select(m => m.GetString(DicomTag.StudyInstanceUID)));
    }

    // Return keys: every key of the identifier comes back, with its value or empty; plus level, character set, unique keys.
    [Fact]
    public async Task FindAsync_ReturnKeys_ValuesEmptyWhenUnknownAndUniqueKeysOfLevelsAbove()
    {
        var match = Assert.Single(await index.FindAsync(QueryLevel.Series, Identifier(DicomTag.SeriesInstanceUID, "9.2.1",
            DicomTag.Modality, "", DicomTag.PatientAge, "", DicomTag.PatientBirthDate, "", DicomTag.BodyPartExamined, "",
            DicomTag.InstitutionName, "", DicomTag.SeriesNumber, "")));

        Assert.Equal("SERIES", match.GetString(DicomTag.QueryRetrieveLevel));
        Assert.Equal(("PID1", "9.2", "9.2.1"), (match.GetString(DicomTag.PatientID), match.GetString(DicomTag.StudyInstanceUID), match.GetString(DicomTag.SeriesInstanceUID)));
        Assert.Equal(("MR", "053Y", "19700101", "1"), (match.GetString(DicomTag.Modality), match.GetString(DicomTag.PatientAge),
            match.GetString(DicomTag.PatientBirthDate), match.GetString(DicomTag.SeriesNumber)));
        Assert.Equal(0, match.GetElement(DicomTag.BodyPartExamined).Length);
        Assert.Equal(0, match.GetElement(DicomTag.InstitutionName).Length);
        Assert.Equal(0, match.GetElement(DicomTag.SpecificCharacterSet).Length);
        Assert.False(match.Contains(DicomTag.SOPInstanceUID));
    }

    // PS3.3 C.12.1.1.2: values stored as UTF-8 are returned under ISO_IR 192.
    [Fact]
    public async Task FindAsync_NonAsciiName_SpecificCharacterSetIsoIr192()
    {
        var match = Assert.Single(await index.FindAsync(QueryLevel.Patient, Identifier(DicomTag.PatientID, "PID2", DicomTag.PatientName, "")));

        Assert.Equal(FindFixture.Japanese, match.GetString(DicomTag.PatientName));
        Assert.Equal("ISO_IR 192", match.GetString(DicomTag.SpecificCharacterSet));
        Assert.Equal("PATIENT", match.GetString(DicomTag.QueryRetrieveLevel));
    }

    // PS3.4 C.6.1.1.2 / C.6.2.1.2 / C.6.1.1.4: computed attributes at each level.
    [Fact]
    public async Task FindAsync_ComputedKeys_CountsAndModalities()
    {
        var patient = Assert.Single(await index.FindAsync(QueryLevel.Patient, Identifier(DicomTag.PatientID, "PID1",
            DicomTag.NumberOfPatientRelatedStudies, "", DicomTag.NumberOfPatientRelatedSeries, "", DicomTag.NumberOfPatientRelatedInstances, "")));
        Assert.Equal(["2", "3", "4"], new[] { DicomTag.NumberOfPatientRelatedStudies, DicomTag.NumberOfPatientRelatedSeries, DicomTag.NumberOfPatientRelatedInstances }
            .Select(t => patient.GetString(t)));

        var study = Assert.Single(await index.FindAsync(QueryLevel.Study, Identifier(DicomTag.StudyInstanceUID, "9.1",
            DicomTag.NumberOfStudyRelatedSeries, "", DicomTag.NumberOfStudyRelatedInstances, "", DicomTag.ModalitiesInStudy, "")));
        Assert.Equal(("2", "3"), (study.GetString(DicomTag.NumberOfStudyRelatedSeries), study.GetString(DicomTag.NumberOfStudyRelatedInstances)));
        Assert.Equal(["CT", "SR"], study.GetStrings(DicomTag.ModalitiesInStudy));

        var series = await index.FindAsync(QueryLevel.Series, Identifier(DicomTag.StudyInstanceUID, "9.1", DicomTag.NumberOfSeriesRelatedInstances, ""));
        Assert.Equal(["2", "1"], series.Select(s => s.GetString(DicomTag.NumberOfSeriesRelatedInstances)));
    }

    // Patient level (C.6.1.1.2): patient keys, or keys of lower levels matched through the patient's studies.
    [Fact]
    public async Task FindAsync_PatientLevel_MatchesPatientKeysAndThroughStudies()
    {
        Assert.Equal(["PID1", "pid4"], await PatientsAsync(DicomTag.PatientName, "doe*"));
        Assert.Equal(["PID3", "pid4"], await PatientsAsync(DicomTag.PatientBirthDate, "19800101-"));
        Assert.Equal(["PID1"], await PatientsAsync(DicomTag.StudyDate, "-20231231"));
        Assert.Equal(["PID1", "PID2"], await PatientsAsync(DicomTag.ModalitiesInStudy, "CT"));
    }

    // Series level (C.6.1.1.4): single value, wildcard and integer keys; a study key above.
    [Fact]
    public async Task FindAsync_SeriesLevel_MatchesSeriesKeys()
    {
        async Task<string[]> SeriesAsync(params object[] keys) =>
            [.. (await index.FindAsync(QueryLevel.Series, Identifier(keys))).Select(m => m.GetString(DicomTag.SeriesInstanceUID)!)];

        Assert.Equal(["9.1.1", "9.3.1"], await SeriesAsync(DicomTag.Modality, "CT"));
        Assert.Equal(["9.1.2"], await SeriesAsync(DicomTag.StudyInstanceUID, "9.1", DicomTag.SeriesNumber, "2"));
        Assert.Equal(["9.1.1", "9.1.2"], await SeriesAsync(DicomTag.StudyInstanceUID, "9.1", DicomTag.SeriesDescription, "Series 9.1.?"));
        Assert.Equal(["9.4.1"], await SeriesAsync(DicomTag.PatientName, "müller*"));
    }

    // Image level (C.6.1.1.5): SOP Class UID list, Instance Number.
    [Fact]
    public async Task FindAsync_ImageLevel_MatchesInstanceKeys()
    {
        async Task<string[]> InstancesAsync(params object[] keys) =>
            [.. (await index.FindAsync(QueryLevel.Image, Identifier(keys))).Select(m => m.GetString(DicomTag.SOPInstanceUID)!)];

        Assert.Equal(["9.1.2.1"], await InstancesAsync(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.88.11\\1.2.3"));
        Assert.Equal(["9.1.1.2"], await InstancesAsync(DicomTag.SeriesInstanceUID, "9.1.1", DicomTag.InstanceNumber, "2"));
        // A key without a column of its own matches the value in the instance's header.
        Assert.Equal(["9.1.1.1"], await InstancesAsync(DicomTag.InstitutionName, "General Hospital"));
        Assert.Equal(["9.1.1.1"], await InstancesAsync(DicomTag.InstitutionName, "Gen*"));
        var match = Assert.Single(await index.FindAsync(QueryLevel.Image, Identifier(DicomTag.SOPInstanceUID, "9.1.1.1", DicomTag.InstitutionName, "")));
        Assert.Equal(("IMAGE", "General Hospital", "9.1.1"), (match.GetString(DicomTag.QueryRetrieveLevel), match.GetString(DicomTag.InstitutionName), match.GetString(DicomTag.SeriesInstanceUID)));
    }

    [Fact]
    public async Task FindAsync_LimitAndOffset_PagesInStableOrder()
    {
        var pages = new List<string>();
        for (var offset = 0; offset < 6; offset += 2)
        {
            var page = await index.FindAsync(QueryLevel.Study, Identifier(DicomTag.StudyDate, ""), limit: 2, offset: offset);
            pages.AddRange(page.Select(m => m.GetString(DicomTag.StudyInstanceUID)!));
        }
        Assert.Equal(AllStudies, pages);
    }

    [Fact]
    public async Task ListInstancesAsync_StudyAndSeriesUids_InstancesInSeriesThenInstanceOrder()
    {
        var study = await index.Store.ListInstancesAsync(new IndexQuery(QueryLevel.Study, Identifier(DicomTag.StudyInstanceUID, "9.1")), CancellationToken.None);
        Assert.Equal(["9.1.1.1", "9.1.1.2", "9.1.2.1"], study.Select(l => l.SopInstanceUid));
        Assert.Equal(new InstanceLocation("9.1", "9.1.1", "9.1.1.1", CtImageStorage, ExplicitVRLittleEndian, "instances/9.1/9.1.1/9.1.1.1.dcm", 1000), study[0]);

        var series = await index.Store.ListInstancesAsync(new IndexQuery(QueryLevel.Series, Identifier(DicomTag.SeriesInstanceUID, "9.2.1\\9.4.1")), CancellationToken.None);
        Assert.Equal(["9.2.1.1", "9.4.1.1"], series.Select(l => l.SopInstanceUid));

        var patient = await index.Store.ListInstancesAsync(new IndexQuery(QueryLevel.Patient, Identifier(DicomTag.PatientID, "PID1")), CancellationToken.None);
        Assert.Equal(4, patient.Count);
    }
}
