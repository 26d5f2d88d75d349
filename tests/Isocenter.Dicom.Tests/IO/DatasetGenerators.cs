using System.Globalization;
using System.Text;
using CsCheck;

namespace Isocenter.Dicom.Tests.IO;

/// <summary>
/// CsCheck generators of random valid datasets: standard attributes of every VR with values valid for it (VM respected),
/// private blocks with their creators, sequences nested up to three levels with up to three items, and Specific
/// Character Set ISO_IR 192 with non-ASCII text in about a third of the datasets.
/// </summary>
internal static class DatasetGenerators
{
    private const int MaxDepth = 3;
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digits = "0123456789";
    private const string NonAscii = "ÄÖÜäöüßéèçñøåÆŒΩπλЖжЯя日本語漢字かなカナ한국어中文עברית";

    /// <summary>
    /// The standard attributes to draw from, by VR: those with a single VR (so Implicit VR gives the same one back), outside
    /// the command and meta groups, neither group lengths nor repeating groups (mostly retired, and ambiguous), nor item and
    /// delimitation tags, nor Specific Character Set (set on purpose below).
    /// </summary>
    private static readonly Dictionary<DicomVR, DicomDictionaryEntry[]> Standard = DicomDictionary.Entries
        .Where(e => e.Mask == 0xFFFFFFFF && e.ValueRepresentations.Count == 1 && e.Tag.Group is not (0x0000 or 0x0002 or 0xFFFE)
            && !e.Tag.IsGroupLength && e.Tag != DicomTag.SpecificCharacterSet)
        .GroupBy(e => e.DefaultVR)
        .ToDictionary(g => g.Key, g => g.ToArray());

    private static readonly DicomVR[] StandardValueVRs = [.. Standard.Keys.Where(vr => vr != DicomVR.SQ)];

    /// <summary>Every VR a value element can have, for private elements.</summary>
    private static readonly DicomVR[] ValueVRs = [.. Enum.GetValues<DicomVR>().Where(vr => vr.IsDefined() && vr != DicomVR.SQ)];

    /// <summary>A dataset with SOP Class and Instance UIDs (so it can be saved as a Part 10 file).</summary>
    public static Gen<DicomDataset> Dataset { get; } = Gen.Frequency<DicomDataset>((2, Level(0, utf8: false)), (1, Level(0, utf8: true)))
        .Select(d =>
        {
            d.Set(DicomTag.SOPClassUID, DicomUid.SecondaryCaptureImageStorage);
            d.Set(DicomTag.SOPInstanceUID, "2.25.329800735698586629295641978511506172918");
            return d;
        });

    private static Gen<DicomDataset> Level(int depth, bool utf8)
    {
        var elements = Gen.Frequency<DicomElement>(
            [(depth < MaxDepth ? 8 : 9, StandardValue(utf8)), .. depth < MaxDepth ? [(1, StandardSequence(depth, utf8))] : Array.Empty<(int, IGen<DicomElement>)>()]);
        return Gen.Select(elements.Array[0, depth == 0 ? 12 : 5], PrivateBlock(depth, utf8).Array[0, depth == 0 ? 2 : 1], (standard, blocks) =>
        {
            var dataset = new DicomDataset(standard);
            foreach (var block in blocks)
            {
                if (dataset.Contains(block[0].Tag))
                {
                    continue; // two blocks drew the same creator slot
                }
                foreach (var element in block)
                {
                    dataset.Add(element);
                }
            }
            if (utf8 && depth == 0)
            {
                dataset.Set(DicomTag.SpecificCharacterSet, "ISO_IR 192");
            }
            return dataset;
        });
    }

    private static Gen<DicomElement> StandardValue(bool utf8) =>
        Gen.OneOf(StandardValueVRs)
            .SelectMany(vr => Gen.OneOf(Standard[vr]))
            .SelectMany(entry => Value(entry.Tag, entry.DefaultVR, entry.ValueMultiplicity, utf8));

    private static Gen<DicomElement> StandardSequence(int depth, bool utf8) =>
        Gen.Select(Gen.OneOf(Standard[DicomVR.SQ]), Level(depth + 1, utf8).Array[0, 3],
            (entry, items) => (DicomElement)new DicomSequence(entry.Tag, items));

    /// <summary>A private creator (gggg,00bb) followed by one to four elements (gggg,bbxx) of any VR.</summary>
    private static Gen<DicomElement[]> PrivateBlock(int depth, bool utf8)
    {
        var group = Gen.Int[4, 0x3FFF].Select(g => (ushort)(g * 2 + 1)); // odd groups 0009-7FFF
        var creator = Text(Upper + Digits + " _-.", 1, 64).Select(t => t.Trim()).Where(t => t.Length > 0);
        var element = depth < MaxDepth
            ? Gen.Frequency<DicomVR>((12, Gen.OneOf(ValueVRs)), (1, Gen.Const(DicomVR.SQ)))
            : Gen.OneOf(ValueVRs);
        return Gen.Select(group, Gen.Int[0x10, 0xFF], creator, Gen.Select(Gen.Byte, element).Array[1, 4], (g, block, name, members) =>
            (g, block, name, members)).SelectMany(b =>
        {
            var tags = b.members.DistinctBy(m => m.Item1).Select(m => (Tag: new DicomTag(b.g, (ushort)(b.block << 8 | m.Item1)), VR: m.Item2)).ToArray();
            var values = tags.Select(t => t.VR == DicomVR.SQ
                ? Level(depth + 1, utf8).Array[0, 3].Select(items => (DicomElement)new DicomSequence(t.Tag, items))
                : Value(t.Tag, t.VR, t.VR.IsSingleValuedText() ? "1" : "1-n", utf8)).ToArray();
            return Gen.Select(values.Aggregate(Gen.Const(Array.Empty<DicomElement>()), (all, next) => Gen.Select(all, next, (a, e) => (DicomElement[])[.. a, e])),
                members => (DicomElement[])[DicomValueElement.FromStrings(new DicomTag(b.g, (ushort)b.block), DicomVR.LO, b.name), .. members.OrderBy(m => m.Tag)]);
        });
    }

    /// <summary>A value valid for <paramref name="vr"/>, with a number of values that <paramref name="vm"/> allows.</summary>
    private static Gen<DicomElement> Value(DicomTag tag, DicomVR vr, string vm, bool utf8)
    {
        var count = Multiplicity(vm);
        if (vr.IsString())
        {
            if (vr.IsSingleValuedText())
            {
                return Gen.Frequency<string>((1, Gen.Const("")), (12, SingleText(vr, utf8)))
                    .Select(text => (DicomElement)DicomValueElement.FromStrings(tag, vr, text));
            }
            return count.SelectMany(n => TextValue(vr, utf8).Array[n])
                .Select(values => (DicomElement)DicomValueElement.FromStrings(tag, vr, values));
        }
        var size = vr switch
        {
            DicomVR.AT => 4,
            _ when vr.IsBinaryNumber() => vr.ValueSize(),
            DicomVR.OB or DicomVR.UN => 1,
            _ => vr.ValueSize(),
        };
        // Binary numbers: VM values of their width. Bulk (O*, UN): mostly small, sometimes larger than a 16-bit length.
        var units = vr.IsBulk()
            ? Gen.Frequency<int>((20, Gen.Int[0, 64]), (1, Gen.Int[0, 70_000 / size]))
            : count;
        return units.SelectMany(n => Gen.Byte.Array[n * size])
            .Select(bytes => (DicomElement)new DicomValueElement(tag, vr, DicomBuffer.FromBytes(DicomValueElement.Pad(bytes, vr))));
    }

    /// <summary>How many values: VM "1", "3", "1-3", "2-n", "3-3n"...; open-ended ones up to three more than the minimum.</summary>
    private static Gen<int> Multiplicity(string vm)
    {
        var parts = vm.Split('-');
        var min = int.Parse(parts[0], CultureInfo.InvariantCulture);
        if (parts.Length == 1)
        {
            return Gen.Const(min);
        }
        if (parts[1].EndsWith('n'))
        {
            var step = parts[1].Length > 1 ? int.Parse(parts[1][..^1], CultureInfo.InvariantCulture) : 1;
            return Gen.Int[0, 3].Select(k => step > 1 ? step * (k / 2 + 1) : min + k);
        }
        return Gen.Int[min, Math.Min(int.Parse(parts[1], CultureInfo.InvariantCulture), min + 3)];
    }

    /// <summary>One value of a multi-valued text VR (no backslash).</summary>
    private static Gen<string> TextValue(DicomVR vr, bool utf8)
    {
        var printable = new string([.. Enumerable.Range(0x20, 0x5F).Select(c => (char)c).Where(c => c != '\\')]);
        var text = utf8 ? printable + NonAscii : printable;
        return vr switch
        {
            DicomVR.AE => Text(Upper + Digits + "_-", 1, 16),
            DicomVR.AS => Gen.Select(Gen.Int[0, 999], Gen.OneOf('D', 'W', 'M', 'Y'), (n, unit) => $"{n:000}{unit}"),
            DicomVR.CS => Text(Upper + Digits + "_ ", 1, 16).Select(t => t.Trim()).Where(t => t.Length > 0),
            DicomVR.DA => Date,
            DicomVR.DS => Gen.Frequency<string>(
                (3, Gen.Double[-1e6, 1e6].Select(d => FormatDS(d))),
                (1, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
                (1, Gen.Select(Gen.Int[-9, 9], Gen.Int[-300, 300], (m, e) => $"{m}E{e}"))),
            DicomVR.IS => Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
            DicomVR.TM => Time,
            DicomVR.DT => Gen.Select(Date, Time.Where(t => t.Length >= 6), Gen.Int[-1, 27], (d, t, zone) =>
                zone < 0 ? $"{d}{t}" : $"{d}{t}{(zone < 12 ? '-' : '+')}{zone % 13:00}00"),
            DicomVR.UI => Gen.Int[1, 3].SelectMany(n => Gen.UInt.Array[n])
                .Select(parts => "1.2.826.0.1.3680043.10.1." + string.Join('.', parts.Select(p => p.ToString(CultureInfo.InvariantCulture)))),
            DicomVR.PN => PersonName(utf8),
            DicomVR.SH => Text(text, 0, 16),
            DicomVR.LO => Text(text, 0, 64),
            DicomVR.UC => Text(text, 0, 200),
            _ => throw new ArgumentOutOfRangeException(nameof(vr), vr, null),
        };
    }

    /// <summary>The value of a single-valued text VR (LT, ST, UT, UR): backslashes and line breaks allowed, except in UR.</summary>
    private static Gen<string> SingleText(DicomVR vr, bool utf8)
    {
        if (vr == DicomVR.UR)
        {
            return Text(Upper.ToLowerInvariant() + Digits + "/._-~%", 1, 100).Select(path => $"https://example.org/{path}");
        }
        var printable = new string([.. Enumerable.Range(0x20, 0x5F).Select(c => (char)c)]) + "\r\n\t";
        var text = Text(utf8 ? printable + NonAscii : printable, 1, vr == DicomVR.ST ? 1024 : 2000);
        return text.Select(t => t.TrimEnd(' ')).Where(t => t.Length > 0);
    }

    private static Gen<string> PersonName(bool utf8)
    {
        var letters = Upper + Upper.ToLowerInvariant() + " '-.";
        var alphabetic = Text(letters, 0, 12).Array[1, 5].Select(c => string.Join('^', c.Select(s => s.Trim())));
        if (!utf8)
        {
            return alphabetic;
        }
        var other = Text(NonAscii, 0, 6).Array[1, 3].Select(c => string.Join('^', c));
        return Gen.Select(alphabetic, other.Array[0, 2], (a, groups) => groups.Length == 0 ? a : $"{a}={string.Join('=', groups)}");
    }

    private static Gen<string> Date { get; } = Gen.Select(Gen.Int[1900, 2099], Gen.Int[1, 12], Gen.Int[1, 28], (y, m, d) => $"{y:0000}{m:00}{d:00}");

    private static Gen<string> Time { get; } = Gen.Select(Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 59], Gen.Int[0, 999_999], Gen.Int[0, 4],
        (h, m, s, f, form) => form switch
        {
            0 => $"{h:00}",
            1 => $"{h:00}{m:00}",
            2 => $"{h:00}{m:00}{s:00}",
            _ => $"{h:00}{m:00}{s:00}.{f.ToString("000000", CultureInfo.InvariantCulture)[..(form == 3 ? 3 : 6)]}",
        });

    private static Gen<string> Text(string alphabet, int min, int max) => Gen.Char[alphabet].Array[min, max].Select(c => new string(c));

    // DS holds at most 16 characters (PS3.5 6.2).
    private static string FormatDS(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        for (var digits = 15; text.Length > 16; digits--)
        {
            text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        return text;
    }

    /// <summary>A compact listing of a dataset, for failure reports.</summary>
    public static string Describe(DicomDataset dataset)
    {
        var text = new StringBuilder();
        Describe(dataset, "", text);
        return text.ToString();
    }

    private static void Describe(DicomDataset dataset, string indent, StringBuilder text)
    {
        foreach (var element in dataset)
        {
            switch (element)
            {
                case DicomSequence sequence:
                    text.Append(CultureInfo.InvariantCulture, $"{indent}{element.Tag} SQ {sequence.Items.Count} item(s)\n");
                    foreach (var item in sequence.Items)
                    {
                        text.Append(indent).Append("  item\n");
                        Describe(item, indent + "    ", text);
                    }
                    break;
                case DicomValueElement value:
                    var shown = value.VR.IsString() ? $"\"{value.GetString()}\"" : Convert.ToHexString(value.Buffer.Memory.Span[..Math.Min(32, (int)value.Length)]);
                    text.Append(CultureInfo.InvariantCulture, $"{indent}{element.Tag} {element.VR.Code()} ({value.Length} bytes) {shown}\n");
                    break;
            }
        }
    }
}
