using System.Buffers.Binary;

namespace Isocenter.Dicom.Json;

/// <summary>
/// Encapsulated Pixel Data as one InlineBinary: the element's Value Field as Part 10 encodes it (PS3.5 A.4), i.e. the Basic
/// Offset Table item then one item per fragment, each with its (FFFE,E000) header; without the sequence delimiter, as pydicom does.
/// </summary>
internal static class DicomEncapsulation
{
    private const uint ItemTag = 0xE000FFFE;
    private const uint SequenceDelimiterTag = 0xE0DDFFFE;

    /// <summary>The items of <paramref name="fragments"/>, headers included.</summary>
    public static byte[] Encode(DicomFragmentSequence fragments)
    {
        var length = 8 + fragments.OffsetTable.Length;
        foreach (var fragment in fragments.Fragments)
        {
            length += 8 + fragment.Length;
        }
        if (length > Array.MaxLength)
        {
            throw new DicomDataException($"{fragments.Tag} {fragments.Tag.Keyword}: {length} bytes of fragments are too many to write inline; give a BulkDataUriProvider.");
        }
        var bytes = new byte[length];
        var position = Append(bytes, 0, fragments.OffsetTable);
        foreach (var fragment in fragments.Fragments)
        {
            position = Append(bytes, position, fragment);
        }
        return bytes;
    }

    /// <summary>
    /// The fragments of an InlineBinary Pixel Data whose bytes are exactly a run of items; null for native pixel data.
    /// OW is accepted too: some writers label encapsulated pixel data OW.
    /// </summary>
    public static DicomFragmentSequence? TryDecode(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> bytes)
    {
        if (tag != DicomTag.PixelData || vr is not (DicomVR.OB or DicomVR.OW))
        {
            return null;
        }
        var span = bytes.Span;
        var items = new List<DicomBuffer>();
        for (var position = 0; position < span.Length;)
        {
            if (span.Length - position < 8)
            {
                return null;
            }
            var itemTag = BinaryPrimitives.ReadUInt32LittleEndian(span[position..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(span[(position + 4)..]);
            if (itemTag == SequenceDelimiterTag && length == 0 && position + 8 == span.Length)
            {
                break;
            }
            if (itemTag != ItemTag || length > (uint)(span.Length - position - 8))
            {
                return null;
            }
            items.Add(DicomBuffer.FromBytes(bytes.Slice(position + 8, (int)length)));
            position += 8 + (int)length;
        }
        return items.Count == 0 ? null : new DicomFragmentSequence(tag, vr, items[0], items.Skip(1));
    }

    private static int Append(byte[] bytes, int position, DicomBuffer item)
    {
        var value = item.Memory.Span;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(position), ItemTag);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(position + 4), (uint)value.Length);
        value.CopyTo(bytes.AsSpan(position + 8));
        return position + 8 + value.Length;
    }
}
