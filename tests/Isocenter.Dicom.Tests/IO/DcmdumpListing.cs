using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Isocenter.Dicom.Tests.IO;

/// <summary>One element of a dcmdump listing: where it is, its tag and VR as DCMTK read them, and its value as printed.</summary>
/// <param name="Path">The sequences and items above it, e.g. "(0008,1140)[0]."; "" at the top level.</param>
/// <param name="Tag">"(gggg,eeee)" in lower-case hexadecimal, as dcmdump prints it; a fragment of encapsulated pixel data is
/// "(7fe0,0010){fragment k}", the basic offset table being fragment 0.</param>
/// <param name="VR">The VR; dcmdump's "??" (unknown VR of an Implicit VR element) is given as UN.</param>
/// <param name="Value">The value as printed (shortened by dcmdump when long, ending in "..."); empty for sequences.</param>
internal sealed record DumpElement(string Path, string Tag, string VR, string Value)
{
    public override string ToString() => $"{Path}{Tag} {VR} {Value}";
}

/// <summary>
/// Parses the dataset part of a dcmdump listing into elements. Left out: the meta header block, group lengths
/// (gggg,0000), item and delimitation lines (their position is in the paths), the value-length and VM columns, and the
/// "explicit/undefined length" annotations of sequences and items, none of which the writer is expected to preserve.
/// </summary>
internal static partial class DcmdumpListing
{
    // "(0010,0010) PN [Doe^John]                               #   8, 1 PatientName", indented two spaces a level.
    [GeneratedRegex(@"^(?<indent> *)\((?<tag>[0-9a-f]{4},[0-9a-f]{4})\) (?<vr>\S\S) (?<value>.*?) *# *(?<length>\S+), *(?<vm>\S+) (?<name>.+)$")]
    private static partial Regex ElementLine();

    public static IReadOnlyList<DumpElement> Parse(string listing)
    {
        var lines = listing.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("# Dicom-Data-Set", StringComparison.Ordinal));
        var elements = new List<DumpElement>();
        var open = new List<OpenSequence>(); // sequences (and pixel sequences) enclosing the current line, outermost first
        foreach (var line in lines.Skip(start + 1))
        {
            var match = ElementLine().Match(line.TrimEnd('\r'));
            if (!match.Success)
            {
                continue; // blank lines, comments
            }
            // A sequence at depth d has its items at d + 1 and their elements at d + 2: anything at d or less closes it.
            var depth = match.Groups["indent"].Length / 2;
            open.RemoveAll(s => s.Depth >= depth);
            var tag = $"({match.Groups["tag"].Value})";
            var vr = match.Groups["vr"].Value;
            var value = match.Groups["value"].Value;
            if (tag.StartsWith("(fffe,", StringComparison.Ordinal))
            {
                if (tag == "(fffe,e000)" && open.Count > 0)
                {
                    var sequence = open[^1];
                    sequence.Items++;
                    if (vr == "pi")
                    {
                        // A fragment of encapsulated pixel data: compared like a value.
                        elements.Add(new DumpElement(PathOf(open.SkipLast(1)), $"{sequence.Tag}{{fragment {sequence.Items}}}", "pi", value));
                    }
                }
                continue; // items and delimiters
            }
            if (tag.EndsWith(",0000)", StringComparison.Ordinal))
            {
                continue; // group length
            }
            var path = PathOf(open);
            if (vr == "SQ" || value.StartsWith("(PixelSequence", StringComparison.Ordinal))
            {
                open.Add(new OpenSequence(depth, tag));
                value = "";
            }
            elements.Add(new DumpElement(path, tag, vr == "??" ? "UN" : vr, value));
        }
        return elements;
    }

    /// <summary>
    /// The bytes of a value dcmdump prints in hexadecimal (OB, OW, UN, fragments): bytes ("7f\\bf"), or 16- or 32-bit words
    /// ("bf7f"), which are little-endian in the dataset. False for other values. A value dcmdump shortened ends in "...".
    /// </summary>
    public static bool TryGetBytes(DumpElement element, out byte[] bytes, out bool shortened)
    {
        bytes = [];
        shortened = element.Value.EndsWith("...", StringComparison.Ordinal);
        if (element.VR is not ("OB" or "OW" or "UN" or "ox" or "pi" or "OL" or "OF"))
        {
            return false;
        }
        var value = shortened ? element.Value[..^3] : element.Value;
        if (value == "(no value available)")
        {
            return true;
        }
        var result = new List<byte>();
        foreach (var token in value.Split('\\'))
        {
            if (token.Length is not (2 or 4 or 8) || !uint.TryParse(token, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            for (var i = 0; i < token.Length / 2; i++)
            {
                result.Add((byte)(number >> (8 * i)));
            }
        }
        bytes = [.. result];
        return true;
    }

    /// <summary>
    /// The bytes of a text value as dcmdump prints it with +Qn: "[text]", with '&amp;', '&lt;', '&gt;', quotes, control and
    /// non-ASCII characters quoted as XML markup ("&amp;amp;", "&amp;#195;"), which unlike octal quoting (+Qo) cannot be
    /// mistaken for a backslash between values followed by digits.
    /// </summary>
    public static bool TryGetText(DumpElement element, out byte[] bytes, out bool shortened)
    {
        bytes = [];
        var value = element.Value;
        shortened = value.EndsWith("...", StringComparison.Ordinal);
        if (value == "(no value available)")
        {
            return true;
        }
        if (!value.StartsWith('[') || !(shortened || value.EndsWith(']')))
        {
            return false;
        }
        var text = XmlMarkup().Replace(shortened ? value[1..^3] : value[1..^1], m => m.Groups[1].Value switch
        {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            var number => ((char)int.Parse(number[1..], CultureInfo.InvariantCulture)).ToString(),
        });
        bytes = System.Text.Encoding.Latin1.GetBytes(text);
        return true;
    }

    [GeneratedRegex("&(amp|lt|gt|quot|apos|#[0-9]{1,3});")]
    private static partial Regex XmlMarkup();

    /// <summary>
    /// For an element of a binary number VR (US, SS, UL, SL, UV, SV, FL, FD), whether <paramref name="bytes"/> (little-endian)
    /// hold the numbers dcmdump printed for it: exactly for integers, to the digits printed for floating point.
    /// </summary>
    public static bool NumbersMatch(DumpElement element, ReadOnlySpan<byte> bytes, bool bytesShortened)
    {
        var size = element.VR switch { "US" or "SS" => 2, "UL" or "SL" or "FL" => 4, "UV" or "SV" or "FD" => 8, _ => 0 };
        if (size == 0)
        {
            return false;
        }
        var shortened = element.Value.EndsWith("...", StringComparison.Ordinal);
        var printed = element.Value == "(no value available)" ? [] : (shortened ? element.Value[..^3] : element.Value).Split('\\');
        var count = bytes.Length / size;
        if (!shortened && !bytesShortened && printed.Length != count)
        {
            return false;
        }
        for (var i = 0; i < Math.Min(printed.Length, count); i++)
        {
            var value = bytes.Slice(i * size, size);
            var expected = element.VR switch
            {
                "US" => BinaryPrimitives.ReadUInt16LittleEndian(value).ToString(CultureInfo.InvariantCulture),
                "SS" => BinaryPrimitives.ReadInt16LittleEndian(value).ToString(CultureInfo.InvariantCulture),
                "UL" => BinaryPrimitives.ReadUInt32LittleEndian(value).ToString(CultureInfo.InvariantCulture),
                "SL" => BinaryPrimitives.ReadInt32LittleEndian(value).ToString(CultureInfo.InvariantCulture),
                "UV" => BinaryPrimitives.ReadUInt64LittleEndian(value).ToString(CultureInfo.InvariantCulture),
                "SV" => BinaryPrimitives.ReadInt64LittleEndian(value).ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            if (expected is not null ? expected != printed[i] : !CloseEnough(printed[i], size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(value) : BinaryPrimitives.ReadDoubleLittleEndian(value)))
            {
                return false;
            }
        }
        return true;

        static bool CloseEnough(string printed, double value) =>
            double.TryParse(printed, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && (p == value || Math.Abs(p - value) <= 1e-5 * Math.Max(Math.Abs(p), Math.Abs(value)));
    }

    private static string PathOf(IEnumerable<OpenSequence> open) => string.Concat(open.Select(s => $"{s.Tag}[{s.Items}]."));

    private sealed class OpenSequence(int depth, string tag)
    {
        public int Depth { get; } = depth;
        public string Tag { get; } = tag;
        public int Items { get; set; } = -1;
    }
}
