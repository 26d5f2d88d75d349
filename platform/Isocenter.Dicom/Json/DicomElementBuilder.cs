using System.Globalization;

namespace Isocenter.Dicom.Json;

/// <summary>Builds elements from the values DICOM JSON and XML carry as text, with errors that name the tag and the problem.</summary>
internal static class DicomElementBuilder
{
    private const long MaxSafeInteger = 1L << 53;

    /// <summary>The error for a problem with the attribute <paramref name="tag"/>.</summary>
    public static DicomDataException Error(DicomTag tag, string problem) => new($"{tag} {tag.Keyword ?? "(private or unknown)"}: {problem}");

    /// <summary>An element of any VR but SQ from its values as text; "" stands for an empty value.</summary>
    public static DicomValueElement FromText(DicomTag tag, DicomVR vr, List<string> values)
    {
        if (vr.IsString())
        {
            return DicomValueElement.FromStrings(tag, vr, values);
        }
        if (values.Count == 0)
        {
            return new DicomValueElement(tag, vr, DicomBuffer.Empty);
        }
        if (vr.IsBulk())
        {
            throw Error(tag, $"{vr.Code()} values are written as InlineBinary or BulkDataURI, not as a list of values.");
        }
        // Binary numbers cannot be empty: trailing empty values (seen in the wild) are dropped, others are an error.
        while (values.Count > 0 && values[^1].Length == 0)
        {
            values.RemoveAt(values.Count - 1);
        }
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Length == 0)
            {
                throw Error(tag, $"value {i + 1} is empty, but {vr.Code()} values are binary numbers and cannot be empty.");
            }
        }
        switch (vr)
        {
            case DicomVR.AT:
                var tags = new DicomTag[values.Count];
                for (var i = 0; i < tags.Length; i++)
                {
                    tags[i] = values[i].Length == 8 && uint.TryParse(values[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var t)
                        ? new DicomTag(t) : throw Error(tag, $"AT value '{values[i]}' is not a tag written as 8 hexadecimal digits.");
                }
                return DicomValueElement.FromTags(tag, tags);
            case DicomVR.FL or DicomVR.FD:
                var reals = new double[values.Count];
                for (var i = 0; i < reals.Length; i++)
                {
                    reals[i] = ParseReal(tag, vr, values[i]);
                }
                return DicomValueElement.FromValues<double>(tag, vr, reals);
            case DicomVR.UV:
                var unsigned = new ulong[values.Count];
                for (var i = 0; i < unsigned.Length; i++)
                {
                    unsigned[i] = ulong.TryParse(values[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var u) ? u
                        : (ulong)ParseInteger(tag, vr, values[i], 0, long.MaxValue);
                }
                return DicomValueElement.FromValues<ulong>(tag, vr, unsigned);
            default:
                var (min, max) = IntegerRange(tag, vr);
                var integers = new long[values.Count];
                for (var i = 0; i < integers.Length; i++)
                {
                    integers[i] = ParseInteger(tag, vr, values[i], min, max);
                }
                return DicomValueElement.FromValues<long>(tag, vr, integers);
        }
    }

    /// <summary>An element from the bytes of an InlineBinary, kept as they are (writing Part 10 pads them to even length).</summary>
    public static DicomElement FromBytes(DicomTag tag, DicomVR vr, byte[] bytes)
    {
        if (vr == DicomVR.SQ)
        {
            throw Error(tag, "a sequence cannot be given as InlineBinary.");
        }
        return (DicomElement?)DicomEncapsulation.TryDecode(tag, vr, bytes) ?? new DicomValueElement(tag, vr, DicomBuffer.FromBytes(bytes));
    }

    /// <summary>A person name value from its three component groups (null or "" for an absent group).</summary>
    public static string PersonName(string? alphabetic, string? ideographic, string? phonetic) =>
        new DicomPersonName(alphabetic ?? "", ideographic ?? "", phonetic ?? "").ToString();

    /// <summary>Parses a VR code, naming the tag when it is not one.</summary>
    public static DicomVR ParseVR(DicomTag tag, string? code) =>
        code is { Length: 2 } && DicomVRExtensions.TryParse((byte)code[0], (byte)code[1], out var vr) ? vr
            : throw Error(tag, $"'{code}' is not a DICOM value representation (PS3.5 6.2).");

    /// <summary>True when an SV or UV value can be written as a JSON number without losing precision.</summary>
    public static bool IsSafeInteger(long value) => value is >= -MaxSafeInteger and <= MaxSafeInteger;

    private static double ParseReal(DicomTag tag, DicomVR vr, string text) => text switch
    {
        "INF" or "+INF" => double.PositiveInfinity,
        "-INF" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw Error(tag, $"'{text}' is not a number ({vr.Code()})."),
    };

    private static long ParseInteger(DicomTag tag, DicomVR vr, string text, long min, long max)
    {
        // Integers written as 12.0 or 1e3 are accepted as long as they are whole.
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d != Math.Floor(d) || Math.Abs(d) >= 9.2233720368547758E18)
            {
                throw Error(tag, $"'{text}' is not an integer ({vr.Code()}).");
            }
            value = (long)d;
        }
        return value >= min && value <= max ? value : throw Error(tag, $"{text} is out of range for {vr.Code()} ({min} to {max}).");
    }

    private static (long Min, long Max) IntegerRange(DicomTag tag, DicomVR vr) => vr switch
    {
        DicomVR.US => (ushort.MinValue, ushort.MaxValue),
        DicomVR.SS => (short.MinValue, short.MaxValue),
        DicomVR.UL => (uint.MinValue, uint.MaxValue),
        DicomVR.SL => (int.MinValue, int.MaxValue),
        DicomVR.SV => (long.MinValue, long.MaxValue),
        _ => throw Error(tag, $"{vr.Code()} elements cannot hold values."),
    };
}
