using System.Buffers.Binary;
using System.Text;

namespace Isocenter.Dicom.Network.Store;

/// <summary>
/// What sending a Part 10 file needs from its File Meta Information: SOP class and instance, transfer syntax, and where the
/// dataset starts, so that the dataset bytes go on the wire exactly as stored.
/// </summary>
public sealed record DicomFileHeader(string SopClassUid, string SopInstanceUid, DicomTransferSyntax TransferSyntax, long DataSetOffset)
{
    /// <summary>Reads the header of the file at <paramref name="path"/>.</summary>
    /// <exception cref="DicomReadException">No preamble and DICM prefix, or the meta lacks one of the three UIDs.</exception>
    public static DicomFileHeader Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        return Read(stream);
    }

    /// <summary>Reads the header from the start of <paramref name="stream"/> (left after the meta).</summary>
    public static DicomFileHeader Read(Stream stream)
    {
        Span<byte> head = stackalloc byte[132];
        if (stream.ReadAtLeast(head, 132, throwOnEndOfStream: false) < 132 || !head[128..].SequenceEqual("DICM"u8))
        {
            throw new DicomReadException("Not a DICOM Part 10 file: no DICM prefix at byte 128", 0);
        }
        string? sopClass = null, sopInstance = null, syntax = null;
        long offset = 132;
        Span<byte> element = stackalloc byte[12];
        while (stream.ReadAtLeast(element[..8], 8, throwOnEndOfStream: false) == 8 && BinaryPrimitives.ReadUInt16LittleEndian(element) == 0x0002)
        {
            var elementNumber = BinaryPrimitives.ReadUInt16LittleEndian(element[2..]);
            var vr = Encoding.ASCII.GetString(element.Slice(4, 2));
            long length;
            var headerLength = 8;
            if (vr is "OB" or "OW" or "OF" or "SQ" or "UT" or "UN")
            {
                stream.ReadExactly(element.Slice(8, 4));
                length = BinaryPrimitives.ReadUInt32LittleEndian(element[8..]);
                headerLength = 12;
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(element[6..]);
            }
            if (length > 1024 * 1024)
            {
                throw new DicomReadException($"File meta element (0002,{elementNumber:X4}) is {length} bytes long", offset);
            }
            var value = new byte[length];
            stream.ReadExactly(value);
            var text = Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');
            switch (elementNumber)
            {
                case 0x0002:
                    sopClass = text;
                    break;
                case 0x0003:
                    sopInstance = text;
                    break;
                case 0x0010:
                    syntax = text;
                    break;
            }
            offset += headerLength + length;
        }
        if (sopClass is not { Length: > 0 } || sopInstance is not { Length: > 0 } || syntax is not { Length: > 0 })
        {
            throw new DicomReadException("The File Meta Information lacks Media Storage SOP Class UID, Media Storage SOP Instance UID or Transfer Syntax UID", offset);
        }
        stream.Seek(offset, SeekOrigin.Begin);
        return new DicomFileHeader(sopClass, sopInstance, DicomTransferSyntax.Parse(syntax), offset);
    }

    /// <summary>
    /// Writes a preamble and File Meta Information for a dataset received over the network, so that the dataset bytes can
    /// follow as they are.
    /// </summary>
    public static void WritePart10Header(Stream stream, string sopClassUid, string sopInstanceUid, DicomTransferSyntax syntax, string? sourceAETitle = null)
    {
        var meta = new DicomDataset()
            .Set(DicomTag.FileMetaInformationVersion, DicomVR.OB, [(byte)0, (byte)1])
            .Set(DicomTag.MediaStorageSOPClassUID, sopClassUid)
            .Set(DicomTag.MediaStorageSOPInstanceUID, sopInstanceUid)
            .Set(DicomTag.TransferSyntaxUID, syntax.Uid)
            .Set(DicomTag.ImplementationClassUID, DicomFile.ImplementationClassUid)
            .Set(DicomTag.ImplementationVersionName, DicomFile.ImplementationVersionName);
        if (sourceAETitle is { Length: > 0 })
        {
            meta.Set(DicomTag.SourceApplicationEntityTitle, sourceAETitle);
        }
        using var metaBytes = new MemoryStream();
        IO.DicomWriter.Write(metaBytes, meta, DicomTransferSyntax.ExplicitVRLittleEndian);
        Span<byte> header = stackalloc byte[132 + 12];
        header.Clear();
        "DICM"u8.CopyTo(header[128..]);
        // (0002,0000) UL 4: the length of the meta elements after it.
        header[132] = 0x02;
        "UL"u8.CopyTo(header[136..]);
        header[138] = 4;
        BinaryPrimitives.WriteUInt32LittleEndian(header[140..], (uint)metaBytes.Length);
        stream.Write(header);
        stream.Write(metaBytes.GetBuffer().AsSpan(0, (int)metaBytes.Length));
    }
}
