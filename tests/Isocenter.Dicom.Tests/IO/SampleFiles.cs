namespace Isocenter.Dicom.Tests.IO;

/// <summary>Small, self-made Part 10 files for tests that must not depend on the corpus.</summary>
internal static class SampleFiles
{
    /// <summary>
    /// A small dataset with a bit of everything the parser handles: text of several VRs, binary numbers, a nested sequence,
    /// a private block, an odd-length OB value, and native pixel data of <paramref name="pixelBytes"/> bytes.
    /// </summary>
    public static DicomDataset Dataset(int pixelBytes = 64, int bulkBytes = 33)
    {
        var item = new DicomDataset()
            .Set(DicomTag.ReferencedSOPClassUID, DicomUid.CTImageStorage)
            .Set(DicomTag.ReferencedSOPInstanceUID, "1.2.826.0.1.3680043.2.1125.1.2");
        var nested = new DicomDataset().Set(DicomTag.CodeValue, "T-D1100").Set(DicomTag.CodeMeaning, "Head");
        var dataset = new DicomDataset()
            .Set(DicomTag.SpecificCharacterSet, "ISO_IR 192")
            .Set(DicomTag.SOPClassUID, DicomUid.CTImageStorage)
            .Set(DicomTag.SOPInstanceUID, "1.2.826.0.1.3680043.2.1125.1.1")
            .Set(DicomTag.StudyDate, "20240229")
            .Set(DicomTag.Modality, "CT")
            .Set(DicomTag.PatientName, "Müller^Jürgen=ミュラー^ユルゲン")
            .Set(DicomTag.PatientID, "ID-1")
            .Set(DicomTag.ReferencedImageSequence, item, item.Clone().Set(DicomTag.AnatomicRegionSequence, nested))
            .Set(DicomTag.SliceThickness, 1.25)
            .Set(DicomTag.ImagePositionPatient, -125.0, -125.5, 30.0)
            .Set(DicomTag.Rows, (ushort)4)
            .Set(DicomTag.Columns, (ushort)(pixelBytes / 8))
            .Set(DicomTag.BitsAllocated, (ushort)16)
            .Set(DicomTag.PixelRepresentation, (ushort)1)
            .Set(DicomTag.SmallestImagePixelValue, DicomVR.SS, (short)-1000)
            .Set(DicomTag.WindowCenter, "40", "400");
        var privateTag = dataset.GetPrivateTag(0x0029, "ISOCENTER TEST", 0x01)!.Value;
        dataset.Set(privateTag, DicomVR.FD, 3.5, -2.25);
        dataset.Set(new DicomTag(0x0029, (ushort)(privateTag.Element + 1)), DicomVR.OB, [.. Enumerable.Range(0, bulkBytes).Select(i => (byte)i)]);
        dataset.Set(DicomTag.PixelData, DicomVR.OW, [.. Enumerable.Range(0, pixelBytes / 2).Select(i => (ushort)(i * 257))]);
        return dataset;
    }

    /// <summary>The bytes of a Part 10 file of <paramref name="dataset"/> in <paramref name="syntax"/>.</summary>
    public static byte[] Bytes(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        using var stream = new MemoryStream();
        new DicomFile(dataset, syntax).Save(stream);
        return stream.ToArray();
    }
}

/// <summary>A read-only stream that cannot seek, as a network stream or a pipe; counts what was read from it.</summary>
internal sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        BytesRead += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
