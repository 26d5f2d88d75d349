using System.Globalization;
using System.Text;
using Isocenter.Dicom.Deidentification;
using Isocenter.Dicom.Tests.IO;

namespace Isocenter.Dicom.Tests.Deidentification;

/// <summary>
/// PS3.15 Annex E, Table E.1-1: a dataset with every attribute of the table present is de-identified by the Basic Profile and
/// by each option, and each attribute is checked for its action (D, Z, X, K, C, U); the output re-parses in DCMTK and pydicom
/// and none of the original identifying values is left in its bytes.
/// </summary>
public class DeidentifierTests
{
    private const string SafeCreator = "ACME SAFE";
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DeidentificationKeys Keys = new(Secret);

    public static TheoryData<string> Profiles => new(
        "Basic", "RetainSafePrivate", "RetainUids", "RetainDeviceIdentity", "RetainInstitutionIdentity", "RetainPatientCharacteristics",
        "RetainLongitudinalTemporalInformationFullDates", "RetainLongitudinalTemporalInformationModifiedDates", "CleanDescriptors",
        "CleanStructuredContent", "CleanGraphics");

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Deidentify_EveryAttributeOfTableE11_GetsItsAction(string profile)
    {
        var options = Options(profile);
        var (original, rows) = EveryAttribute();
        var result = new Deidentifier(Keys, options).Deidentify(original);
        Assert.False(result.HeldBack);
        var output = result.Dataset!;
        var issuer = original.GetString(DicomTag.IssuerOfPatientID);
        var offset = Keys.DateOffsetDays("PATIENT-SECRET-ID", issuer);

        var failures = new List<string>();
        foreach (var (tag, row) in rows)
        {
            var action = Deidentifier.ResolveAction(row, options);
            var problem = Check(tag, action, original[tag]!, output[tag], options, offset, issuer);
            if (problem is not null)
            {
                failures.Add($"{row.Pattern} {row.Name} ({row.BasicProfile}, resolved {action}) as {tag}: {problem}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} attribute(s) not de-identified per Table E.1-1 ({profile}):\n{string.Join('\n', failures)}");

        // Private attributes: X, or with Retain Safe Private only the allow-listed element (and its creator).
        var safeKept = options.RetainSafePrivate;
        Assert.Equal(safeKept, output.Contains(new DicomTag(0x0009, 0x1001)));
        Assert.Equal(safeKept, output.Contains(new DicomTag(0x0009, 0x0010)));
        Assert.False(output.Contains(new DicomTag(0x0009, 0x1002)));
        Assert.False(output.Contains(new DicomTag(0x0011, 0x0010)));
        Assert.False(output.Contains(new DicomTag(0x0011, 0x1001)));

        Assert.Equal("YES", output.GetString(DicomTag.PatientIdentityRemoved));
        var codes = output.GetSequence(DicomTag.DeidentificationMethodCodeSequence)!.Items.Select(i => i.GetString(DicomTag.CodeValue)).ToList();
        Assert.Equal("113100", codes[0]);
        Assert.Equal(profile == "Basic" ? 1 : 2, codes.Count);
        Assert.DoesNotContain("113101", codes);
        Assert.Equal(options.RetainLongitudinalTemporalInformationModifiedDates ? "MODIFIED" : options.RetainLongitudinalTemporalInformationFullDates ? "UNMODIFIED" : "REMOVED",
            output.GetString(DicomTag.LongitudinalTemporalInformationModified));
    }

    [Fact]
    public void ResolveAction_CombinedCodes_TakeTheAlternativeValidForAnyType()
    {
        var basic = DeidentificationOptions.Basic;
        Assert.Equal("Z", Deidentifier.ResolveAction(ConfidentialityProfile.Find(DicomTag.PatientName)!, basic));
        Assert.Equal("D", Deidentifier.ResolveAction(ConfidentialityProfile.Find(DicomTag.InstitutionName)!, basic)); // X/Z/D
        Assert.Equal("Z", Deidentifier.ResolveAction(ConfidentialityProfile.Find(DicomTag.AcquisitionDate)!, basic)); // X/Z
        Assert.Equal("D", Deidentifier.ResolveAction(ConfidentialityProfile.Find(DicomTag.ContentDate)!, basic)); // Z/D
        Assert.Equal("U*", Deidentifier.ResolveAction(ConfidentialityProfile.Find(DicomTag.ReferencedImageSequence)!, basic));
        Assert.Equal("X", Deidentifier.ResolveAction(ConfidentialityProfile.Find(new DicomTag(0x6002, 0x3000))!, basic)); // (60xx,3000)
        Assert.Equal("X", Deidentifier.ResolveAction(ConfidentialityProfile.Find(new DicomTag(0x5010, 0x0005))!, basic)); // (50xx,xxxx)
        Assert.Equal("K", Deidentifier.ResolveAction(ConfidentialityProfile.Find(DicomTag.DeviceUID)!, new DeidentificationOptions { RetainDeviceIdentity = true }));
        Assert.Equal("C", Deidentifier.ResolveAction(ConfidentialityProfile.Find(DicomTag.StudyDate)!, new DeidentificationOptions { RetainLongitudinalTemporalInformationModifiedDates = true }));
        Assert.Equal("X", Deidentifier.ResolveAction(ConfidentialityProfile.Find(DicomTag.ReferencedPatientSequence)!, new DeidentificationOptions { RetainUids = true }));
        Assert.Equal(ConfidentialityProfile.Rows.Count, ConfidentialityProfile.Rows.Select(r => r.Pattern).Distinct().Count());
    }

    [Fact]
    public void Deidentify_TwoStudiesOfOnePatient_MapConsistentlyWithinAKeyAndDifferentlyAcrossKeys()
    {
        var first = Study("1.2.826.0.1.3680043.10.1.1", "PAT-77", "20200102");
        var second = Study("1.2.826.0.1.3680043.10.1.2", "PAT-77", "20210304");
        second.Set(DicomTag.FrameOfReferenceUID, first.GetString(DicomTag.FrameOfReferenceUID)!);
        var options = new DeidentificationOptions { RetainLongitudinalTemporalInformationModifiedDates = true };
        var a = new Deidentifier(Keys, options);
        var one = a.Deidentify(first).Dataset!;
        var two = a.Deidentify(second).Dataset!;
        var again = a.Deidentify(first).Dataset!;

        Assert.Equal(one.GetString(DicomTag.PatientID), two.GetString(DicomTag.PatientID));
        Assert.Equal(one.GetString(DicomTag.PatientName), two.GetString(DicomTag.PatientName));
        Assert.NotEqual(one.GetString(DicomTag.StudyInstanceUID), two.GetString(DicomTag.StudyInstanceUID));
        Assert.Equal(one.GetString(DicomTag.FrameOfReferenceUID), two.GetString(DicomTag.FrameOfReferenceUID));
        Assert.Equal(one.GetString(DicomTag.SOPInstanceUID), again.GetString(DicomTag.SOPInstanceUID));
        Assert.True(DicomUid.IsValid(one.GetString(DicomTag.StudyInstanceUID)));
        Assert.StartsWith("2.25.", one.GetString(DicomTag.StudyInstanceUID), StringComparison.Ordinal);
        // The same per-patient offset: the interval between the studies survives.
        var interval = DicomDateTime.ParseDate(two.GetString(DicomTag.StudyDate)!).DayNumber - DicomDateTime.ParseDate(one.GetString(DicomTag.StudyDate)!).DayNumber;
        Assert.Equal(new DateOnly(2021, 3, 4).DayNumber - new DateOnly(2020, 1, 2).DayNumber, interval);

        var other = new Deidentifier(new DeidentificationKeys(Enumerable.Repeat((byte)7, 32).ToArray()), options).Deidentify(first);
        Assert.NotEqual(one.GetString(DicomTag.StudyInstanceUID), other.Dataset!.GetString(DicomTag.StudyInstanceUID));
        Assert.NotEqual(one.GetString(DicomTag.PatientID), other.Dataset.GetString(DicomTag.PatientID));
        Assert.Contains(other.Mappings, m => m.Kind == "study" && m.Original == "1.2.826.0.1.3680043.10.1.1" && m.Pseudonym == other.Dataset.GetString(DicomTag.StudyInstanceUID));
        Assert.Equal(["patient", "study", "series", "instance"], other.Mappings.Select(m => m.Kind));
    }

    [Theory]
    [InlineData("1.2.840.10008.5.1.4.1.1.2", "YES", "Burned In Annotation (0028,0301) is YES")]
    [InlineData("1.2.840.10008.5.1.4.1.1.7", null, "absent in a Secondary Capture Image Storage instance")]
    [InlineData("1.2.840.10008.5.1.4.1.1.6.1", null, "absent in a Ultrasound Image Storage instance")]
    [InlineData("1.2.840.10008.5.1.4.1.1.7", "NO", null)]
    [InlineData("1.2.840.10008.5.1.4.1.1.2", null, null)]
    public void Deidentify_PossibleBurnedInAnnotation_IsHeldBackWithTheReason(string sopClass, string? flag, string? reason)
    {
        var dataset = Study("1.2.3.4", "P", "20200101").Set(DicomTag.SOPClassUID, sopClass);
        if (flag is not null)
        {
            dataset.Set(DicomTag.BurnedInAnnotation, flag);
        }
        var result = new Deidentifier(Keys, DeidentificationOptions.Basic).Deidentify(dataset);
        Assert.Equal(reason is not null, result.HeldBack);
        if (reason is not null)
        {
            Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
            Assert.Null(result.Dataset);
        }
    }

    [PydicomFact]
    public async Task Deidentify_EveryAttribute_WritesAFileDcmtkAndPydicomRead_WithNoOriginalValueInItsBytes()
    {
        var (original, _) = EveryAttribute();
        var result = new Deidentifier(Keys, DeidentificationOptions.Basic).Deidentify(original);
        var folder = Directory.CreateTempSubdirectory("isocenter-deid-");
        try
        {
            var path = Path.Combine(folder.FullName, result.Dataset!.GetString(DicomTag.SOPInstanceUID) + ".dcm");
            new DicomFile(result.Dataset).Save(path);

            var dcmdump = await ExternalTool.RunAsync(ExternalTool.Require("dcmdump", "dcmtk"), ["-dc", path]);
            Assert.True(dcmdump.ExitCode == 0, $"{dcmdump}:\n{dcmdump.Errors}");
            Assert.DoesNotContain("E:", dcmdump.Errors + dcmdump.Output, StringComparison.Ordinal);
            var pydicom = await Pydicom.RunAsync(
                "import sys, pydicom\nds = pydicom.dcmread(sys.stdin.readline().strip())\nprint(sum(1 for e in ds.iterall() if str(e.value) is not None), ds.file_meta.MediaStorageSOPInstanceUID)",
                path + "\n");
            Assert.EndsWith(result.Dataset.GetString(DicomTag.SOPInstanceUID)!, pydicom.Trim(), StringComparison.Ordinal);

            var bytes = Encoding.Latin1.GetString(File.ReadAllBytes(path)) + "\n" + path;
            var leaks = OriginalValues(original).Distinct().Where(v => bytes.Contains(v, StringComparison.OrdinalIgnoreCase)).ToList();
            var where = dcmdump.Output.Split('\n').Where(line => leaks.Any(v => line.Contains(v, StringComparison.OrdinalIgnoreCase)));
            Assert.True(leaks.Count == 0, $"original values left in the output: {string.Join(", ", leaks)}:\n{string.Join('\n', where)}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static DeidentificationOptions Options(string profile) => profile switch
    {
        "Basic" => DeidentificationOptions.Basic,
        "RetainSafePrivate" => new DeidentificationOptions { RetainSafePrivate = true, SafePrivateTags = [new SafePrivateTag(SafeCreator, 0x0009, 0x01)] },
        "RetainUids" => new DeidentificationOptions { RetainUids = true },
        "RetainDeviceIdentity" => new DeidentificationOptions { RetainDeviceIdentity = true },
        "RetainInstitutionIdentity" => new DeidentificationOptions { RetainInstitutionIdentity = true },
        "RetainPatientCharacteristics" => new DeidentificationOptions { RetainPatientCharacteristics = true },
        "RetainLongitudinalTemporalInformationFullDates" => new DeidentificationOptions { RetainLongitudinalTemporalInformationFullDates = true },
        "RetainLongitudinalTemporalInformationModifiedDates" => new DeidentificationOptions { RetainLongitudinalTemporalInformationModifiedDates = true },
        "CleanDescriptors" => new DeidentificationOptions { CleanDescriptors = true },
        "CleanStructuredContent" => new DeidentificationOptions { CleanStructuredContent = true },
        "CleanGraphics" => new DeidentificationOptions { CleanGraphics = true },
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    /// <summary>What is wrong with <paramref name="after"/> for <paramref name="action"/>, or null when it is right.</summary>
    private static string? Check(DicomTag tag, string action, DicomElement before, DicomElement? after, DeidentificationOptions options, int offset, string? issuer)
    {
        if (tag == DicomTag.PatientName || tag == DicomTag.PatientID)
        {
            return after is DicomValueElement p && p.GetString() == Keys.PseudonymousPatientId("PATIENT-SECRET-ID", issuer) ? null : "not the pseudonym";
        }
        switch (action, before, after)
        {
            case ("X", _, null):
                return null;
            case ("X", _, _):
                return "still present";
            case ("C", DicomValueElement b, null) when !b.VR.IsString():
                return null; // binary values (bitmaps, maker notes, binary timestamps) cannot be cleaned: removed
            case (_, _, null):
                return "missing";
            case ("Z", DicomSequence, DicomSequence { Items.Count: 0 }):
            case ("Z", DicomValueElement, DicomValueElement { Length: 0 }):
                return null;
            case ("D", DicomSequence, DicomSequence { Items.Count: 0 }):
                return null;
            case ("D", DicomValueElement b, DicomValueElement a):
                return a.Length > 0 && !a.Buffer.Memory.Span.SequenceEqual(b.Buffer.Memory.Span) ? null : "not a dummy";
            case ("K", DicomValueElement b, DicomValueElement a):
                return a.Buffer.Memory.Span.SequenceEqual(b.Buffer.Memory.Span) ? null : "changed";
            case ("K" or "U*" or "C", DicomSequence b, DicomSequence a):
                return CheckItems(b, a, options, clean: action is "C" or "U*");
            case ("U", DicomValueElement b, DicomValueElement a):
                return a.GetStrings().SequenceEqual(b.GetStrings().Select(Keys.MapUid)) ? null : $"not remapped: {a.GetString()}";
            case ("C", DicomValueElement { VR: DicomVR.DA or DicomVR.DT } b, DicomValueElement a):
                var expected = DicomDateTime.ParseDate(b.GetString()[..8]).AddDays(offset).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + b.GetString()[8..];
                return a.GetString() == expected ? null : $"not shifted by {offset} days: {a.GetString()}";
            case ("C", DicomValueElement { VR: DicomVR.TM } b, DicomValueElement a):
                return a.GetString() == b.GetString() ? null : "time changed";
            case ("C", DicomValueElement b, DicomValueElement a) when b.VR.IsString():
                return a.GetString() == DescriptorCleaner.Clean(b.GetString()) ? null : $"not cleaned: '{a.GetString()}'";
            default:
                return $"unexpected {after}";
        }
    }

    // Items of kept, U* and cleaned sequences are de-identified themselves: the person name (D) is replaced, the instance UID is remapped
    // (unless UIDs are retained), the SOP class UID (a registry UID) stays, free text is cleaned only in cleaned sequences.
    private static string? CheckItems(DicomSequence before, DicomSequence after, DeidentificationOptions options, bool clean)
    {
        if (after.Items.Count != before.Items.Count)
        {
            return "items lost";
        }
        var b = before.Items[0];
        var a = after.Items[0];
        var uid = b.GetString(DicomTag.ReferencedSOPInstanceUID)!;
        var text = b.GetString(DicomTag.UnformattedTextValue)!;
        return a.GetString(DicomTag.PersonName) == b.GetString(DicomTag.PersonName) ? "item person name kept"
            : a.GetString(DicomTag.ReferencedSOPInstanceUID) != (options.RetainUids ? uid : Keys.MapUid(uid)) ? "item UID not remapped"
            : a.GetString(DicomTag.ReferencedSOPClassUID) != b.GetString(DicomTag.ReferencedSOPClassUID) ? "item SOP class changed"
            : a.GetString(DicomTag.UnformattedTextValue) != (clean ? DescriptorCleaner.Clean(text) : text) ? "item text wrong"
            : null;
    }

    /// <summary>A dataset with every attribute of Table E.1-1 (one tag per pattern row), each with a distinct identifying value.</summary>
    private static (DicomDataset Dataset, List<(DicomTag Tag, ConfidentialityProfileRow Row)> Rows) EveryAttribute()
    {
        var dataset = new DicomDataset()
            .Set(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
            .Set(DicomTag.Modality, "CT");
        var rows = new List<(DicomTag, ConfidentialityProfileRow)>();
        var index = 0;
        foreach (var row in ConfidentialityProfile.Rows)
        {
            index++;
            if (row.Pattern == "(GGGG,EEEE)" || row.Tag.Group is 0x0000 or 0x0002)
            {
                continue; // private attributes below; command (0000) and file meta (0002) elements are not dataset elements
            }
            var tag = row.Pattern switch
            {
                "(50XX,XXXX)" => new DicomTag(0x5000, 0x3000),
                _ => row.Tag,
            };
            var entry = DicomDictionary.Find(tag);
            Assert.True(entry is not null, $"{row.Pattern} {row.Name} is not in the data dictionary");
            dataset.Add(Value(tag, entry.DefaultVR, index));
            rows.Add((tag, row));
        }
        dataset.Set(DicomTag.PatientID, "PATIENT-SECRET-ID");
        dataset.Set(new DicomTag(0x0009, 0x0010), DicomVR.LO, SafeCreator);
        dataset.Set(new DicomTag(0x0009, 0x1001), DicomVR.LO, "SECRETPRIVATE1");
        dataset.Set(new DicomTag(0x0009, 0x1002), DicomVR.LO, "SECRETPRIVATE2");
        dataset.Set(new DicomTag(0x0011, 0x0010), DicomVR.LO, "SECRET CREATOR");
        dataset.Set(new DicomTag(0x0011, 0x1001), DicomVR.LO, "SECRETPRIVATE3");
        return (dataset, rows);
    }

    private static DicomElement Value(DicomTag tag, DicomVR vr, int i) => vr switch
    {
        DicomVR.SQ => new DicomSequence(tag, new DicomDataset()
            .Set(DicomTag.ReferencedSOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
            .Set(DicomTag.ReferencedSOPInstanceUID, $"1.2.826.0.1.3680043.10.9.{i}")
            .Set(DicomTag.PersonName, $"SECRET^ITEM{i}")
            .Set(DicomTag.UnformattedTextValue, $"CHEST SECRETTEXT{i}")),
        DicomVR.UI => DicomValueElement.FromStrings(tag, vr, $"1.2.826.0.1.3680043.10.8.{i}"),
        DicomVR.DA => DicomValueElement.FromStrings(tag, vr, Date(i)),
        DicomVR.DT => DicomValueElement.FromStrings(tag, vr, Date(i) + "101112"),
        DicomVR.TM => DicomValueElement.FromStrings(tag, vr, "101112"),
        DicomVR.AS => DicomValueElement.FromStrings(tag, vr, "042Y"),
        DicomVR.DS or DicomVR.IS => DicomValueElement.FromStrings(tag, vr, (1000 + i).ToString(CultureInfo.InvariantCulture)),
        DicomVR.PN => DicomValueElement.FromStrings(tag, vr, $"SECRET^NAME{i}"),
        DicomVR.UR => DicomValueElement.FromStrings(tag, vr, $"http://secret{i}.example"),
        DicomVR.AT => DicomValueElement.FromTags(tag, DicomTag.PatientName),
        _ when vr.IsString() => DicomValueElement.FromStrings(tag, vr, $"CT SECRET{i}"),
        _ when vr.IsBinaryNumber() => DicomValueElement.FromValues(tag, vr, (ushort)7),
        _ => new DicomValueElement(tag, vr, DicomBuffer.FromBytes(Encoding.ASCII.GetBytes($"SECRETBYTES{i:D4}"))),
    };

    private static string Date(int i) => new DateOnly(2019, 1, 1).AddDays(i).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Every identifying value of <paramref name="dataset"/>: its text markers, UIDs other than registry UIDs, and dates.</summary>
    private static IEnumerable<string> OriginalValues(DicomDataset dataset)
    {
        yield return "SECRET";
        foreach (var element in dataset)
        {
            switch (element)
            {
                case DicomSequence sq:
                    foreach (var value in sq.Items.SelectMany(OriginalValues))
                    {
                        yield return value;
                    }
                    break;
                case DicomValueElement { VR: DicomVR.UI } v when DicomUid.Find(v.GetString()) is null:
                case DicomValueElement { VR: DicomVR.DA or DicomVR.DT } v2 when v2.Length > 0:
                    yield return ((DicomValueElement)element).GetString();
                    break;
            }
        }
    }

    private static DicomDataset Study(string studyUid, string patientId, string date) => new DicomDataset()
        .Set(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
        .Set(DicomTag.SOPInstanceUID, studyUid + ".1.1")
        .Set(DicomTag.StudyInstanceUID, studyUid)
        .Set(DicomTag.SeriesInstanceUID, studyUid + ".1")
        .Set(DicomTag.FrameOfReferenceUID, studyUid + ".9")
        .Set(DicomTag.PatientID, patientId)
        .Set(DicomTag.PatientName, "DOE^JANE")
        .Set(DicomTag.StudyDate, date);
}
