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

    /// <summary>
    /// Reads the header from the start of <paramref name="stream"/> and leaves it where the dataset starts. On a stream that
    /// cannot seek, the end of the meta is taken from its File Meta Information Group Length (0002,0000), which must be there;
    /// a seekable stream is read up to the first element that is not group 0002 and set back to it.
    /// </summary>
    /// <exception cref="DicomReadException">No preamble and DICM prefix, the meta lacks one of the three UIDs, or a stream that cannot seek has no group length.</exception>
    public static DicomFileHeader Read(Stream stream)
    {
        Span<byte> head = stackalloc byte[132];
        if (stream.ReadAtLeast(head, 132, throwOnEndOfStream: false) < 132 || !head[128..].SequenceEqual("DICM"u8))
        {
            throw new DicomReadException("Not a DICOM Part 10 file: no DICM prefix at byte 128", 0);
        }
        string? sopClass = null, sopInstance = null, syntax = null;
        long offset = 132;
        long? groupEnd = null;
        Span<byte> element = stackalloc byte[12];
        while (groupEnd is null || stream.CanSeek || offset < groupEnd)
        {
            var read = stream.ReadAtLeast(element[..8], 8, throwOnEndOfStream: false);
            if (read < 8 || BinaryPrimitives.ReadUInt16LittleEndian(element) != 0x0002)
            {
                if (read > 0)
                {
                    StepBack(stream, offset);
                }
                break;
            }
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
            if (length > MaxMetaLength)
            {
                throw new DicomReadException($"File meta element (0002,{elementNumber:X4}) is {length} bytes long", offset);
            }
            var value = new byte[length];
            stream.ReadExactly(value);
            var text = Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');
            switch (elementNumber)
            {
                case 0x0000 when length == 4:
                    groupEnd = offset + headerLength + length + BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
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
        return new DicomFileHeader(sopClass, sopInstance, DicomTransferSyntax.Parse(syntax), offset);
    }

    /// <summary>
    /// Reads the header as <see cref="Read(Stream)"/> does, the meta asynchronously: from the preamble and group length on a
    /// stream that cannot seek (a network stream); leaves <paramref name="stream"/> where the dataset starts.
    /// </summary>
    /// <exception cref="DicomReadException">As for <see cref="Read(Stream)"/>.</exception>
    public static async Task<DicomFileHeader> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        const int Start = 132 + 12; // preamble, DICM, (0002,0000) UL 4
        var head = new byte[Start];
        var read = await stream.ReadAtLeastAsync(head, Start, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == Start && head.AsSpan(132, 8).SequenceEqual(GroupLengthHeader) && BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(140)) is var length and <= MaxMetaLength)
        {
            var meta = new byte[Start + length];
            head.CopyTo(meta, 0);
            await stream.ReadExactlyAsync(meta.AsMemory(Start), cancellationToken).ConfigureAwait(false);
            using var buffered = new MemoryStream(meta, writable: false);
            return Read(buffered);
        }
        if (!stream.CanSeek)
        {
            throw new DicomReadException("The File Meta Information has no group length (0002,0000), so where it ends cannot be found on a stream that cannot seek", 132);
        }
        stream.Seek(-read, SeekOrigin.Current);
        return Read(stream);
    }

    private const int MaxMetaLength = 1024 * 1024;

    private static ReadOnlySpan<byte> GroupLengthHeader => [0x02, 0x00, 0x00, 0x00, (byte)'U', (byte)'L', 0x04, 0x00]; // (0002,0000) UL, length 4

    // A seekable stream read past the meta goes back to where the dataset starts; one that cannot seek cannot.
    private static void StepBack(Stream stream, long offset)
    {
        if (!stream.CanSeek)
        {
            throw new DicomReadException("The File Meta Information has no group length (0002,0000), so where it ends cannot be found on a stream that cannot seek", offset);
        }
        stream.Seek(offset, SeekOrigin.Begin);
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
