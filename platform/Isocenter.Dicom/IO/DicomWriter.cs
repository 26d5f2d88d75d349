using System.Buffers.Binary;
using Isocenter.Dicom.Text;

namespace Isocenter.Dicom.IO;

/// <summary>
/// Writes a dataset (no preamble or meta header) in a transfer syntax. Strict: values are padded to even length, text is
/// re-encoded into the Specific Character Set in force, and what the syntax cannot hold is refused with a clear error.
/// Sequences and items are written with undefined length; group length elements other than the command and meta groups
/// are dropped (PS3.5 7.2: optional, and stale once a dataset has been edited).
/// </summary>
public sealed class DicomWriter
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private readonly Stream _stream;
    private readonly bool _explicitVR;
    private readonly bool _bigEndian;
    private readonly byte[] _header = new byte[12];

    private DicomWriter(Stream stream, DicomTransferSyntax syntax)
    {
        _stream = stream;
        _explicitVR = syntax.IsExplicitVR;
        _bigEndian = syntax.IsBigEndian;
    }

    /// <summary>Writes <paramref name="dataset"/> to <paramref name="stream"/> in <paramref name="syntax"/> (deflating when it says so).</summary>
    public static void Write(Stream stream, DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var hasFragments = dataset[DicomTag.PixelData] is DicomFragmentSequence;
        if (hasFragments && !syntax.IsEncapsulated)
        {
            throw new DicomDataException($"Pixel Data is encapsulated (compressed) and cannot be written in {syntax.Name}: keep its transfer syntax or decompress it first.");
        }
        if (!hasFragments && syntax.IsEncapsulated && dataset.Contains(DicomTag.PixelData))
        {
            throw new DicomDataException($"Pixel Data is native (uncompressed) and cannot be written in {syntax.Name}: compress it first or write a native transfer syntax.");
        }
        if (syntax.IsDeflated)
        {
            using var deflate = new System.IO.Compression.DeflateStream(stream, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);
            using var buffered = new BufferedStream(deflate, 64 * 1024);
            new DicomWriter(buffered, syntax).WriteDataset(dataset, dataset.CharacterSet ?? DicomCharacterSet.Default);
            return;
        }
        new DicomWriter(stream, syntax).WriteDataset(dataset, dataset.CharacterSet ?? DicomCharacterSet.Default);
    }

    /// <summary>Writes the elements of <paramref name="meta"/> as File Meta Information: group 0002 in Explicit VR Little Endian.</summary>
    internal static void WriteMeta(Stream stream, DicomDataset meta) =>
        new DicomWriter(stream, DicomTransferSyntax.ExplicitVRLittleEndian).WriteDataset(meta, DicomCharacterSet.Default);

    private void WriteDataset(DicomDataset dataset, DicomCharacterSet characterSet)
    {
        foreach (var element in dataset)
        {
            if (element.Tag.IsGroupLength && element.Tag.Group > 0x0002)
            {
                continue;
            }
            switch (element)
            {
                case DicomValueElement value:
                    WriteValue(value, characterSet);
                    break;
                case DicomSequence sequence:
                    WriteSequence(sequence, characterSet);
                    break;
                case DicomFragmentSequence fragments:
                    WriteFragments(fragments);
                    break;
            }
        }
    }

    private void WriteValue(DicomValueElement element, DicomCharacterSet characterSet)
    {
        var vr = element.VR;
        var buffer = element.Buffer;
        if (vr.UsesCharacterSet() && !element.CharacterSet.Equals(characterSet) && !IsAscii(element))
        {
            // Re-encoded text can grow (Latin-1 to UTF-8 doubles), so it goes through the length rules below like any value.
            var text = element.CharacterSet.Decode(buffer.Memory.Span, vr);
            byte[] encoded;
            try
            {
                encoded = characterSet.Encode(text, vr);
            }
            catch (DicomDataException e)
            {
                throw new DicomDataException($"{element.Tag} {element.Tag.Keyword}: {e.Message}", e); // which element it was
            }
            if (characterSet.Decode(encoded, vr) != text)
            {
                // Encoders put '?' for what they cannot encode: refuse rather than write other text.
                var name = characterSet.IsDefault ? "the default repertoire (no Specific Character Set)" : string.Join('\\', characterSet.Terms);
                throw new DicomDataException($"{element.Tag} {element.Tag.Keyword}: \"{(text.Length > 64 ? text[..64] + "..." : text)}\" cannot be written in {name}; set Specific Character Set (0008,0005) to one that holds it, such as ISO_IR 192 (UTF-8).");
            }
            buffer = DicomBuffer.FromBytes(DicomValueElement.Pad(encoded, vr));
        }
        var length = buffer.Length;
        if (length > UndefinedLength - 2)
        {
            throw new DicomDataException($"{element.Tag} is {length} bytes; a DICOM value holds at most 4 GB - 2.");
        }
        var odd = (length & 1) == 1;
        if (_explicitVR && !vr.HasLongLength() && length + (odd ? 1 : 0) > ushort.MaxValue)
        {
            vr = DicomVR.UN; // PS3.5 6.2.2: a value too long for a 16-bit length is written as UN
        }
        WriteHeader(element.Tag, vr, (uint)(length + (odd ? 1 : 0)));
        var swapUnit = _bigEndian ? element.VR.ValueSize() : 0;
        if (swapUnit > 1)
        {
            var copy = buffer.Memory.ToArray();
            DicomBuffer.SwapBytes(copy, swapUnit);
            _stream.Write(copy);
        }
        else
        {
            buffer.CopyTo(_stream);
        }
        if (odd)
        {
            _stream.WriteByte(element.VR.PaddingByte());
        }
    }

    private static bool IsAscii(DicomValueElement element) =>
        element.Buffer.Length < 4096 && System.Text.Ascii.IsValid(element.Buffer.Memory.Span) && element.Buffer.Memory.Span.IndexOf((byte)0x1B) < 0;

    private void WriteSequence(DicomSequence sequence, DicomCharacterSet characterSet)
    {
        WriteHeader(sequence.Tag, DicomVR.SQ, UndefinedLength);
        foreach (var item in sequence.Items)
        {
            WriteItemHeader(DicomTag.Item, UndefinedLength);
            WriteDataset(item, item.CharacterSet ?? characterSet);
            WriteItemHeader(DicomTag.ItemDelimitationItem, 0);
        }
        WriteItemHeader(DicomTag.SequenceDelimitationItem, 0);
    }

    private void WriteFragments(DicomFragmentSequence fragments)
    {
        // PS3.5 A.4: encapsulated pixel data is OB, whatever VR the input gave it (some writers say OW; DCMTK warns on it).
        WriteHeader(fragments.Tag, DicomVR.OB, UndefinedLength);
        WriteFragment(fragments.OffsetTable);
        foreach (var fragment in fragments.Fragments)
        {
            WriteFragment(fragment);
        }
        WriteItemHeader(DicomTag.SequenceDelimitationItem, 0);
    }

    private void WriteFragment(DicomBuffer fragment)
    {
        var odd = (fragment.Length & 1) == 1;
        WriteItemHeader(DicomTag.Item, (uint)(fragment.Length + (odd ? 1 : 0)));
        fragment.CopyTo(_stream);
        if (odd)
        {
            _stream.WriteByte(0);
        }
    }

    private void WriteItemHeader(DicomTag tag, uint length)
    {
        WriteTag(tag);
        WriteUInt32(4, length);
        _stream.Write(_header, 0, 8);
    }

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length)
    {
        WriteTag(tag);
        if (!_explicitVR)
        {
            WriteUInt32(4, length);
            _stream.Write(_header, 0, 8);
            return;
        }
        _header[4] = (byte)((ushort)vr >> 8);
        _header[5] = (byte)vr;
        if (vr.HasLongLength())
        {
            _header[6] = 0;
            _header[7] = 0;
            WriteUInt32(8, length);
            _stream.Write(_header, 0, 12);
        }
        else
        {
            if (_bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(_header.AsSpan(6), (ushort)length);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(6), (ushort)length);
            }
            _stream.Write(_header, 0, 8);
        }
    }

    private void WriteTag(DicomTag tag)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_header, tag.Group);
            BinaryPrimitives.WriteUInt16BigEndian(_header.AsSpan(2), tag.Element);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_header, tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(2), tag.Element);
        }
    }

    private void WriteUInt32(int offset, uint value)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_header.AsSpan(offset), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(offset), value);
        }
    }
}
