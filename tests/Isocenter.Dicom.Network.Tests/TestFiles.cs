using Isocenter.Dicom.Network.Store;

namespace Isocenter.Dicom.Network.Tests;

/// <summary>Small CT files written with the toolkit, and what a test compares: the dataset bytes after the meta header.</summary>
internal static class TestFiles
{
    public static List<string> WriteCtSeries(string directory, int count, DicomTransferSyntax syntax, int size = 128)
    {
        Directory.CreateDirectory(directory);
        var study = DicomUid.Generate();
        var series = DicomUid.Generate();
        var random = new Random(count * 31 + size);
        var paths = new List<string>();
        for (var i = 1; i <= count; i++)
        {
            var pixels = new ushort[size * size];
            for (var p = 0; p < pixels.Length; p++)
            {
                pixels[p] = (ushort)(p % size < size / 2 ? 1000 + (i * 7 % 50) : random.Next(0, 4096));
            }
            var dataset = new DicomDataset()
                .Set(DicomTag.SOPClassUID, DicomUid.CTImageStorage)
                .Set(DicomTag.SOPInstanceUID, DicomUid.Generate())
                .Set(DicomTag.StudyInstanceUID, study)
                .Set(DicomTag.SeriesInstanceUID, series)
                .Set(DicomTag.Modality, "CT")
                .Set(DicomTag.PatientName, "Network^Test")
                .Set(DicomTag.PatientID, "NET001")
                .Set(DicomTag.InstanceNumber, i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Set(DicomTag.SamplesPerPixel, (ushort)1)
                .Set(DicomTag.PhotometricInterpretation, "MONOCHROME2")
                .Set(DicomTag.Rows, (ushort)size)
                .Set(DicomTag.Columns, (ushort)size)
                .Set(DicomTag.BitsAllocated, (ushort)16)
                .Set(DicomTag.BitsStored, (ushort)12)
                .Set(DicomTag.HighBit, (ushort)11)
                .Set(DicomTag.PixelRepresentation, (ushort)0)
                .Set(DicomTag.PixelData, DicomVR.OW, pixels);
            var path = Path.Combine(directory, $"CT{i:D3}.dcm");
            new DicomFile(dataset, syntax).Save(path);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>The dataset bytes of a Part 10 file, as stored after its meta header.</summary>
    public static byte[] DataSetBytes(string path)
    {
        var header = DicomFileHeader.Read(path);
        return File.ReadAllBytes(path)[(int)header.DataSetOffset..];
    }

    public static string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "isocenter-network-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
