namespace Isocenter.Dicom.Imaging.Rendering;

/// <summary>
/// A lookup table of PS3.3 C.11 (Modality LUT, VOI LUT, palette colour LUTs): LUT Descriptor (entries, first value mapped,
/// bits per entry) and LUT Data. Inputs below the first mapped value take the first entry, inputs past the end the last one.
/// </summary>
public sealed class DicomLut
{
    private readonly ushort[] _entries;

    private DicomLut(ushort[] entries, int firstMapped, int bits)
    {
        _entries = entries;
        FirstMapped = firstMapped;
        Bits = bits;
    }

    /// <summary>The input value that maps to the first entry.</summary>
    public int FirstMapped { get; }

    /// <summary>Bits per entry (8 to 16).</summary>
    public int Bits { get; }

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Length;

    /// <summary>The largest value an entry can hold.</summary>
    public int MaxOutput => (1 << Bits) - 1;

    /// <summary>The entry for <paramref name="input"/>.</summary>
    public int Lookup(double input)
    {
        var index = (long)Math.Floor(input) - FirstMapped;
        return _entries[(int)Math.Clamp(index, 0, _entries.Length - 1)];
    }

    /// <summary>
    /// Reads a LUT. <paramref name="signedInput"/>: the first value mapped is signed (SS) because the values it is applied to
    /// can be negative (C.11.1.1: its VR follows the input).
    /// </summary>
    public static DicomLut Read(DicomDataset item, DicomTag descriptorTag, DicomTag dataTag, bool signedInput)
    {
        var descriptor = item.GetValues<int>(descriptorTag);
        if (descriptor.Length != 3)
        {
            throw new DicomDataException($"{descriptorTag} {descriptorTag.Keyword} has {descriptor.Length} values; 3 expected.");
        }
        var count = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
        var first = signedInput ? (short)descriptor[1] : descriptor[1] & 0xFFFF;
        var bits = descriptor[2];
        var data = item[dataTag] as DicomValueElement ?? throw new DicomDataException($"{dataTag} {dataTag.Keyword} is missing.");
        var bytes = data.Buffer.Memory.Span;
        ushort[] entries;
        if (bytes.Length >= count * 2)
        {
            entries = new ushort[count];
            for (var i = 0; i < count; i++)
            {
                entries[i] = (ushort)(bytes[i * 2] | bytes[i * 2 + 1] << 8);
            }
        }
        else if (bits <= 8 && bytes.Length >= count)
        {
            entries = bytes[..count].ToArray().Select(b => (ushort)b).ToArray(); // 8-bit entries packed two per word
        }
        else
        {
            throw new DicomDataException($"{dataTag} {dataTag.Keyword} holds {bytes.Length} bytes for {count} entries.");
        }
        // Descriptors that claim 16 bits for 8-bit data, or the reverse, are common: trust the data (as DCMTK does).
        var max = entries.Length == 0 ? 0 : entries.Max();
        if (bits is < 8 or > 16 || max > (1 << bits) - 1)
        {
            bits = max > 255 ? 16 : 8;
        }
        return new DicomLut(entries, first, bits);
    }
}
