using System.Diagnostics;
using System.Text;

namespace Isocenter.Dicom.Tests;

/// <summary>Datasets and fixtures shared by the DICOM JSON and XML tests.</summary>
internal static class DicomSamples
{
    /// <summary>A dataset with an element of every VR, multi-values with an empty entry, nested sequences and a private block.</summary>
    public static DicomDataset EveryVR()
    {
        var image = new DicomDataset()
            .Set(DicomTag.ReferencedSOPClassUID, "1.2.840.10008.5.1.4.1.1.4")
            .Set(DicomTag.ReferencedSOPInstanceUID, "1.2.3.4.5")
            .Set(DicomTag.ReferencedFrameNumber, "1", "2");
        var series = new DicomDataset().Set(DicomTag.ReferencedImageSequence, image);
        var dataset = new DicomDataset()
            .Set(DicomTag.SpecificCharacterSet, "ISO_IR 192")
            .Set(DicomTag.ImageType, "ORIGINAL", "PRIMARY", "", "AXIAL")
            .Set(DicomTag.AccessionNumber, "A-17")
            .Set(DicomTag.RetrieveAETitle, "ARCHIVE")
            .Set(DicomTag.StudyDate, "20240102")
            .Set(DicomTag.AcquisitionDateTime, "20240102030405.123456+0100")
            .Set(DicomTag.StudyTime, "101010.123")
            .Set(DicomTag.Modality, "MR")
            .Set(DicomTag.InstitutionAddress, "1 Main Street\r\nSpringfield")
            .Set(DicomTag.ReferringPhysicianName, "^Bob^^Dr.")
            .Set(DicomTag.ReferencedSeriesSequence, series, new DicomDataset())
            .Set(DicomTag.RetrieveURL, "https://pacs.example/studies/1.2.3")
            .Set(DicomTag.PatientName, "Wang^XiaoDong=王^小東")
            .Set(DicomTag.PatientID, "ID-123")
            .Set(DicomTag.PatientAge, "051Y")
            .Set(DicomTag.FrameTimeVector, "0.5", "-12.25", "100")
            .Set(DicomTag.StudyInstanceUID, "1.2.840.113619.2.55.3")
            .Set(DicomTag.InstanceNumber, "42")
            .Set(DicomTag.ImageComments, "Line one\r\nLine two")
            .Set<ushort>(DicomTag.Rows, 512)
            .Set<short>(DicomTag.SmallestImagePixelValue, DicomVR.SS, -5, 300)
            .Set<ushort>(DicomTag.RedPaletteColorLookupTableData, DicomVR.OW, 0, 65535)
            .Set<byte>(DicomTag.EncapsulatedDocument, DicomVR.OB, 1, 2, 3, 4)
            .Set(DicomTag.TextValue, "Unlimited text")
            .Set<float>(DicomTag.SelectorOFValue, 0.5f, -1f)
            .Set(DicomTag.SelectorUCValue, "unlimited", "characters")
            .Set<double>(DicomTag.SelectorODValue, 1.5, -2.25)
            .Set<double>(DicomTag.SelectorFDValue, 1000.5, 0.001)
            .Set<uint>(DicomTag.SelectorOLValue, 1, 2)
            .Set<float>(DicomTag.SelectorFLValue, 0.1f, -2.5f)
            .Set<uint>(DicomTag.SelectorULValue, 4000000000)
            .Set<int>(DicomTag.SelectorSLValue, -100000, 7)
            .Set<ulong>(DicomTag.SelectorOVValue, DicomVR.OV, 0, 4096)
            .Set<long>(DicomTag.SelectorSVValue, -42, 1L << 40)
            .Set<ulong>(DicomTag.SelectorUVValue, 42)
            .Set<ulong>(DicomTag.ExtendedOffsetTable, DicomVR.OV, 0, 8)
            .Add(DicomValueElement.FromTags(DicomTag.FrameIncrementPointer, DicomTag.FrameTime, DicomTag.FrameTimeVector));
        var privateTag = dataset.GetPrivateTag(0x0009, "ISOCENTER TEST", 0x02)!.Value;
        dataset.Set<byte>(privateTag, DicomVR.UN, 0xCF, 0x4C, 0x7D, 0x73, 0xCB, 0xFB);
        return dataset;
    }

    /// <summary>PS3.18 F.4's example (a QIDO-RS response of two studies) as the standard prints it, comments included; only the URL broken over two lines is joined.</summary>
    public const string Ps318F4Example = """
        // The following example is a QIDO-RS SearchForStudies response consisting
        // of two matching studies, corresponding to the example QIDO-RS request:
        // GET http://qido.nema.org/studies?PatientID=12345&includefield=all&limit=2
        [
            {   // Result 1
                "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
                "00080020": { "vr": "DT", "Value": [ "20130409" ] },
                "00080030": { "vr": "TM", "Value": [ "131600.0000" ] },
                "00080050": { "vr": "SH", "Value": [ "11235813" ] },
                "00080056": { "vr": "CS", "Value": [ "ONLINE" ] },
                "00080061": { "vr": "CS", "Value": [ "CT", "PET" ] },
                "00080090": { "vr": "PN", "Value": [ { "Alphabetic": "^Bob^^Dr." } ] },
                "00081190": { "vr": "UR", "Value": [ "http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
                "00090010": { "vr": "LO", "Value": [ "Vendor A" ] },
                "00091002": { "vr": "UN", "InlineBinary": [ "z0x9c8v7" ] },
                "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東" } ] },
                "00100020": { "vr": "LO", "Value": [ "12345" ] },
                "00100021": { "vr": "LO", "Value": [ "Hospital A" ] },
                "00100030": { "vr": "DT", "Value": [ "19670701" ] },
                "00100040": { "vr": "CS", "Value": [ "M" ] },
                "00101002": {
                    "vr": "SQ",
                    "Value": [
                        { "00100020": { "vr": "LO", "Value": [ "54321" ] }, "00100021": { "vr": "LO", "Value": [ "Hospital B" ] } },
                        { "00100020": { "vr": "LO", "Value": [ "24680" ] }, "00100021": { "vr": "LO", "Value": [ "Hospital C" ] } }
                    ]
                },
                "0020000D": { "vr": "UI", "Value": [ "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
                "00200010": { "vr": "SH", "Value": [ "11235813" ] },
                "00201206": { "vr": "IS", "Value": [ 4 ] },
                "00201208": { "vr": "IS", "Value": [ 942 ] }
            },
            {   // Result 2
                "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
                "00080020": { "vr": "DT", "Value": [ "20130309" ] },
                "00080030": { "vr": "TM", "Value": [ "111900.0000" ] },
                "00080050": { "vr": "SH", "Value": [ "11235821" ] },
                "00080056": { "vr": "CS", "Value": [ "ONLINE" ] },
                "00080061": { "vr": "CS", "Value": [ "CT", "PET" ] },
                "00080090": { "vr": "PN", "Value": [ { "Alphabetic": "^Bob^^Dr." } ] },
                "00081190": { "vr": "UR", "Value": [ "http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.2162893313.1029997326.945876" ] },
                "00090010": { "vr": "LO", "Value": [ "Vendor A" ] },
                "00091002": { "vr": "UN", "InlineBinary": [ "z0x9c8v7" ] },
                "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東" } ] },
                "00100020": { "vr": "LO", "Value": [ "12345" ] },
                "00100021": { "vr": "LO", "Value": [ "Hospital A" ] },
                "00100030": { "vr": "DT", "Value": [ "19670701" ] },
                "00100040": { "vr": "CS", "Value": [ "M" ] },
                "00101002": {
                    "vr": "SQ",
                    "Value": [
                        { "00100020": { "vr": "LO", "Value": [ "54321" ] }, "00100021": { "vr": "LO", "Value": [ "Hospital B" ] } },
                        { "00100020": { "vr": "LO", "Value": [ "24680" ] }, "00100021": { "vr": "LO", "Value": [ "Hospital C" ] } }
                    ]
                },
                "0020000D": { "vr": "UI", "Value": [ "1.2.392.200036.9116.2.2.2.2162893313.1029997326.945876" ] },
                "00200010": { "vr": "SH", "Value": [ "11235821" ] },
                "00201206": { "vr": "IS", "Value": [ 5 ] },
                "00201208": { "vr": "IS", "Value": [ 1123 ] }
            }
        ]
        """;
}

/// <summary>pydicom, run through the system Python: its JSON test files and its own reading and writing of DICOM JSON.</summary>
internal static class Pydicom
{
    public const string Python = "/usr/bin/python3";
    public const string TestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    public const string NotInstalled = "pydicom is not installed for " + Python + " (./dev.sh installs it)";

    public static bool IsInstalled => File.Exists(Python) && Directory.Exists(TestFiles);

    /// <summary>The datasets of pydicom's Part 10 test files, by file name.</summary>
    public static IEnumerable<(string Name, DicomDataset Dataset)> Datasets() =>
        Directory.GetFiles(TestFiles, "*.dcm").Order(StringComparer.Ordinal).Select(path => (Path.GetFileName(path), DicomFile.Open(path).Dataset));

    /// <summary>Runs a Python script that has pydicom, feeding it <paramref name="input"/>; returns its standard output.</summary>
    public static async Task<string> RunAsync(string script, string input)
    {
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-c", script },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            Environment = { ["PYTHONIOENCODING"] = "utf-8" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"python failed: {await error}");
        return await output;
    }
}

/// <summary>A fact that needs pydicom; skipped, saying why, where it is not installed.</summary>
internal sealed class PydicomFactAttribute : FactAttribute
{
    public PydicomFactAttribute()
    {
        if (!Pydicom.IsInstalled)
        {
            Skip = Pydicom.NotInstalled;
        }
    }
}
