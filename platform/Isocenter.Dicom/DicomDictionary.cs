using System.Collections.Frozen;
using System.Globalization;

namespace Isocenter.Dicom;

/// <summary>One entry of the data dictionary (PS3.6): a tag, or a repeating-group pattern, with its VRs and VM.</summary>
/// <param name="Tag">The tag; for a repeating group the lowest matching tag.</param>
/// <param name="Mask">Bits of a tag that must equal <paramref name="Tag"/>'s for the entry to apply (all ones for a single tag).</param>
/// <param name="ValueRepresentations">Allowed VRs, the implicit-VR default first; empty for item and delimitation tags.</param>
/// <param name="ValueMultiplicity">VM as written in PS3.6, e.g. "1", "2-n", "1-n".</param>
/// <param name="Keyword">The standard keyword (or the private dictionary's name).</param>
/// <param name="IsRetired">True when the standard has retired the attribute.</param>
/// <param name="PrivateCreator">The private creator for private dictionary entries; null for standard ones.</param>
public sealed record DicomDictionaryEntry(
    DicomTag Tag, uint Mask, IReadOnlyList<DicomVR> ValueRepresentations, string ValueMultiplicity, string Keyword, bool IsRetired, string? PrivateCreator = null)
{
    /// <summary>The VR used when the encoding does not say (Implicit VR), or UN when there is none.</summary>
    public DicomVR DefaultVR => ValueRepresentations.Count > 0 ? ValueRepresentations[0] : DicomVR.None;
}

/// <summary>The DICOM data dictionary: standard attributes (with repeating groups) and known private attributes by creator.</summary>
public static partial class DicomDictionary
{
    private static readonly Lazy<Tables> Data = new(Load);

    /// <summary>All standard entries, in dictionary order.</summary>
    public static IReadOnlyList<DicomDictionaryEntry> Entries => Data.Value.All;

    /// <summary>The standard entry for a tag, including repeating groups, group lengths and private creators; null if unknown.</summary>
    public static DicomDictionaryEntry? Find(DicomTag tag)
    {
        var t = Data.Value;
        if (t.Exact.TryGetValue(tag.Value, out var entry))
        {
            return entry;
        }
        if (tag.Element == 0)
        {
            return new DicomDictionaryEntry(tag, 0xFFFFFFFF, [DicomVR.UL], "1", tag.IsPrivate ? "PrivateGroupLength" : "GenericGroupLength", !tag.IsPrivate && tag.Group > 2);
        }
        if (tag.IsPrivateCreator)
        {
            return new DicomDictionaryEntry(tag, 0xFFFFFFFF, [DicomVR.LO], "1", "PrivateCreator", false);
        }
        foreach (var masked in t.Masked)
        {
            if ((tag.Value & masked.Mask) == masked.Tag.Value)
            {
                return masked;
            }
        }
        return null;
    }

    /// <summary>The private dictionary entry for a private data element, given its creator; null if unknown.</summary>
    public static DicomDictionaryEntry? FindPrivate(DicomTag tag, string? creator)
    {
        if (creator is null || !tag.IsPrivate)
        {
            return null;
        }
        return Data.Value.Private.TryGetValue((creator.Trim(), tag.Group, (byte)tag.Element), out var entry) ? entry : null;
    }

    /// <summary>The standard entry whose keyword is <paramref name="keyword"/>; null if none.</summary>
    public static DicomDictionaryEntry? FindByKeyword(string keyword) =>
        Data.Value.ByKeyword.TryGetValue(keyword, out var entry) ? entry : null;

    private sealed record Tables(
        DicomDictionaryEntry[] All,
        FrozenDictionary<uint, DicomDictionaryEntry> Exact,
        DicomDictionaryEntry[] Masked,
        FrozenDictionary<string, DicomDictionaryEntry> ByKeyword,
        FrozenDictionary<(string Creator, ushort Group, byte Element), DicomDictionaryEntry> Private);

    private static Tables Load()
    {
        var all = new List<DicomDictionaryEntry>(5000);
        foreach (var line in StandardTable.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty)
            {
                continue;
            }
            var f = line.ToString().Split('|');
            all.Add(new DicomDictionaryEntry(
                new DicomTag(uint.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)),
                uint.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ParseVRs(f[2]), f[3], f[4], f[5] == "1"));
        }
        var privateEntries = new Dictionary<(string, ushort, byte), DicomDictionaryEntry>();
        foreach (var line in PrivateTable.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty)
            {
                continue;
            }
            var f = line.ToString().Split('|');
            var group = ushort.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var element = byte.Parse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            privateEntries[(f[0], group, element)] = new DicomDictionaryEntry(
                new DicomTag(group, (ushort)(0x1000 | element)), 0xFFFF00FF, ParseVRs(f[3]), f[4], f[5], false, f[0]);
        }
        return new Tables(
            [.. all],
            all.Where(e => e.Mask == 0xFFFFFFFF).ToFrozenDictionary(e => e.Tag.Value),
            [.. all.Where(e => e.Mask != 0xFFFFFFFF)],
            all.ToFrozenDictionary(e => e.Keyword, StringComparer.Ordinal),
            privateEntries.ToFrozenDictionary());
    }

    private static DicomVR[] ParseVRs(string text) =>
        text.Length == 0 ? [] : [.. text.Split(',').Select(DicomVRExtensions.ParseVR)];
}
