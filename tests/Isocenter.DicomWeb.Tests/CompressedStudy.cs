using Isocenter.Dicom;

namespace Isocenter.DicomWeb.Tests;

/// <summary>
/// A study of the retrieve tests' own, stored once through storescu beside the fixture's (whose studies stay as they are):
/// one demo CT slice with new UIDs compressed by DCMTK's <c>dcmcjpls</c> (JPEG-LS lossless), and pydicom's two-frame RGB RLE
/// image (SC_rgb_rle_2frame.dcm) with new UIDs.
/// </summary>
public sealed record CompressedStudy(string Study, string JpegLSSeries, string JpegLSInstance, string JpegLSPath, byte[] OriginalPixels,
    string RleSeries, string RleInstance, string RlePath)
{
    private const string PydicomRle = "/usr/lib/python3/dist-packages/pydicom/data/test_files/SC_rgb_rle_2frame.dcm";
    private static readonly Lock Gate = new();
    private static Task<CompressedStudy>? _stored;

    /// <summary>The study, stored into <paramref name="archive"/> by the first test that asks.</summary>
    public static Task<CompressedStudy> GetAsync(DicomWebArchive archive)
    {
        lock (Gate)
        {
            return _stored ??= StoreAsync(archive);
        }
    }

    /// <summary>The instance's URI relative to the DICOMweb root.</summary>
    public Uri Instance(string series, string instance, string rest = "") => new($"studies/{Study}/series/{series}/instances/{instance}{rest}", UriKind.Relative);

    private const string Patient = "WADO00001";

    private static async Task<CompressedStudy> StoreAsync(DicomWebArchive archive)
    {
        var folder = Directory.CreateTempSubdirectory("isocenter-wado-").FullName;
        var study = DicomUid.Generate();
        var demo = DicomFile.Open(archive.Instances.Values.OrderBy(i => i.Path, StringComparer.Ordinal).First().Path);
        var originalPixels = ((DicomValueElement)demo.Dataset[DicomTag.PixelData]!).Buffer.Memory.ToArray();
        var (jpegLSSeries, jpegLSInstance) = (DicomUid.Generate(), DicomUid.Generate());
        // A patient of its own: the fixture's patients keep exactly their own studies.
        demo.Dataset.Set(DicomTag.StudyInstanceUID, study).Set(DicomTag.SeriesInstanceUID, jpegLSSeries).Set(DicomTag.SOPInstanceUID, jpegLSInstance)
            .Set(DicomTag.PatientID, Patient).Set(DicomTag.PatientName, "WADO^TESTS");
        var native = Path.Combine(folder, "native.dcm");
        demo.Save(native, DicomTransferSyntax.ExplicitVRLittleEndian);
        var jpegLS = Path.Combine(folder, "jpeg-ls.dcm");
        var compressed = await Dcmtk.RunAsync("dcmcjpls", native, jpegLS);
        Assert.True(compressed.ExitCode == 0, compressed.ToString());

        var rle = DicomFile.Open(PydicomRle);
        var (rleSeries, rleInstance) = (DicomUid.Generate(), DicomUid.Generate());
        rle.Dataset.Set(DicomTag.StudyInstanceUID, study).Set(DicomTag.SeriesInstanceUID, rleSeries).Set(DicomTag.SOPInstanceUID, rleInstance)
            .Set(DicomTag.PatientID, Patient).Set(DicomTag.PatientName, "WADO^TESTS");
        var rlePath = Path.Combine(folder, "rle.dcm");
        rle.Save(rlePath);

        // Each file in its own syntax only: offered uncompressed too, the archive would prefer Explicit VR Little Endian.
        foreach (var (proposal, file) in new[] { ("-xt", jpegLS), ("-xr", rlePath) })
        {
            var stored = await archive.Running.StorescuAsync(["-R", proposal], [file], "WADOTESTS");
            Assert.True(stored.ExitCode == 0, stored.ToString());
        }
        var indexed = await archive.Running.WaitIndexedAsync([jpegLSInstance, rleInstance], TimeSpan.FromSeconds(60));
        Assert.Contains(jpegLSInstance, indexed);
        Assert.Contains(rleInstance, indexed);
        return new CompressedStudy(study, jpegLSSeries, jpegLSInstance, jpegLS, originalPixels, rleSeries, rleInstance, rlePath);
    }
}
