using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace Isocenter.Dicom.Text;

/// <summary>
/// A graphic character set that ISO/IEC 2022 designates to G0 (GL, bytes 0x21-0x7E) or G1 (GR, bytes 0xA0-0xFF) with an
/// escape sequence: the code elements of PS3.3 tables C.12-2 to C.12-4.
/// </summary>
internal abstract class CodeElement(string registration, bool isG1, byte[] escape)
{
    /// <summary>The ISO registration, e.g. "ISO-IR 100".</summary>
    public string Registration { get; } = registration;

    /// <summary>True for a G1 (GR) set, false for a G0 (GL) set.</summary>
    public bool IsG1 { get; } = isG1;

    /// <summary>The escape sequence that designates this set.</summary>
    public byte[] Escape { get; } = escape;

    /// <summary>True for the 94x94 sets, whose characters take two bytes.</summary>
    public virtual bool IsDoubleByte => false;

    /// <summary>Decodes a run of bytes of this set's area; writes at most one character per byte and returns how many.</summary>
    public abstract int Decode(ReadOnlySpan<byte> run, Span<char> chars);

    /// <summary>Encodes one character into (at most two) bytes; 0 when the set does not contain it.</summary>
    public abstract int Encode(char c, Span<byte> bytes);

    /// <inheritdoc/>
    public override string ToString() => Registration;
}

/// <summary>ISO 646 in G0: ASCII (ISO-IR 6) or JIS X 0201 Romaji (ISO-IR 14), both read and written as ASCII.</summary>
/// <remarks>
/// ISO-IR 14 has YEN SIGN at 0x5C and OVERLINE at 0x7E; like pydicom (and Python's shift_jis) we map them to '\' and '~',
/// because 0x5C is the value delimiter in either set (PS3.5 6.1.2.5.3) and must stay '\' for values to split.
/// </remarks>
internal sealed class Iso646Element(string registration, byte[] escape) : CodeElement(registration, isG1: false, escape)
{
    public override int Decode(ReadOnlySpan<byte> run, Span<char> chars) => Encoding.Latin1.GetChars(run, chars);

    public override int Encode(char c, Span<byte> bytes)
    {
        if (c >= 0x80 || c == Iso2022.Esc)
        {
            return 0;
        }
        bytes[0] = (byte)c;
        return 1;
    }
}

/// <summary>A 96-character (or JIS X 0201 Katakana) set in G1, decoded through a 128-entry table for bytes 0x80-0xFF.</summary>
internal sealed class SingleByteElement : CodeElement
{
    private readonly string _table;
    private readonly bool _isLatin1; // bytes and characters alike: the vectorized Latin-1 decoder does it
    private readonly FrozenDictionary<char, byte> _bytes;

    public SingleByteElement(string registration, byte[] escape, string table) : base(registration, isG1: true, escape)
    {
        _table = table;
        _isLatin1 = table.AsSpan().SequenceEqual(Encoding.Latin1.GetString(Enumerable.Range(0x80, 0x80).Select(b => (byte)b).ToArray()));
        var bytes = new Dictionary<char, byte>();
        for (var i = 0x20; i < 0x80; i++) // 0x80-0x9F are C1 controls, not characters of the set
        {
            if (table[i] != Iso2022.Replacement)
            {
                bytes.TryAdd(table[i], (byte)(0x80 + i));
            }
        }
        _bytes = bytes.ToFrozenDictionary();
    }

    /// <summary>The set as .NET decodes bytes 0xA0-0xFF of <paramref name="encoding"/>; unassigned bytes become U+FFFD.</summary>
    public static SingleByteElement FromEncoding(string registration, byte final, Encoding encoding) =>
        new(registration, CodeElements.Escape("-" + (char)final), string.Create(128, encoding, static (table, encoding) =>
        {
            Span<byte> high = stackalloc byte[96];
            for (var i = 0; i < high.Length; i++)
            {
                high[i] = (byte)(0xA0 + i);
                table[i] = (char)(0x80 + i);
            }
            encoding.GetChars(high, table[32..]);
            foreach (ref var c in table[32..])
            {
                // Windows code page tables fill the holes of ISO 8859 with private-use characters.
                c = c is >= '\uE000' and <= '\uF8FF' ? Iso2022.Replacement : c;
            }
        }));

    public override int Decode(ReadOnlySpan<byte> run, Span<char> chars)
    {
        if (_isLatin1)
        {
            return Encoding.Latin1.GetChars(run, chars);
        }
        var table = _table.AsSpan();
        for (var i = 0; i < run.Length; i++)
        {
            chars[i] = table[run[i] & 0x7F];
        }
        return run.Length;
    }

    public override int Encode(char c, Span<byte> bytes)
    {
        if (!_bytes.TryGetValue(c, out var b))
        {
            return 0;
        }
        bytes[0] = b;
        return 1;
    }
}

/// <summary>
/// A 94x94 set (JIS X 0208, JIS X 0212, KS X 1001, GB 2312), decoded pair by pair through its EUC form, whose encoder must
/// write no bytes for characters it lacks. lowTrail is for JIS X 0212 in code page 20932, which writes it as
/// (first | 0x80, second) rather than with the 0x8F prefix of EUC-JP.
/// </summary>
internal sealed class DoubleByteElement(string registration, bool isG1, byte[] escape, Encoding euc, bool lowTrail = false)
    : CodeElement(registration, isG1, escape)
{
    public override bool IsDoubleByte => true;

    public override int Decode(ReadOnlySpan<byte> run, Span<char> chars)
    {
        Span<byte> pair = stackalloc byte[2];
        var n = 0;
        var i = 0;
        while (i < run.Length)
        {
            if (i + 1 < run.Length && InSet(run[i]) && InSet(run[i + 1]))
            {
                pair[0] = (byte)(run[i] | 0x80);
                pair[1] = lowTrail ? (byte)(run[i + 1] & 0x7F) : (byte)(run[i + 1] | 0x80);
                n += euc.GetChars(pair, chars[n..]);
                i += 2;
            }
            else
            {
                chars[n++] = Iso2022.Replacement;
                i++;
            }
        }
        return n;
    }

    public override int Encode(char c, Span<byte> bytes)
    {
        Span<byte> pair = stackalloc byte[4];
        if (euc.GetBytes(new ReadOnlySpan<char>(in c), pair) != 2 || pair[0] < 0xA1 || pair[0] == 0xFF
            || !(lowTrail ? pair[1] is >= 0x21 and <= 0x7E : pair[1] is >= 0xA1 and <= 0xFE))
        {
            return 0;
        }
        Span<char> back = stackalloc char[2];
        if (euc.GetChars(pair[..2], back) != 1 || back[0] != c)
        {
            return 0; // a best-fit mapping, not the character itself
        }
        bytes[0] = IsG1 ? pair[0] : (byte)(pair[0] & 0x7F);
        bytes[1] = IsG1 ? pair[1] : (byte)(pair[1] & 0x7F);
        return 2;
    }

    private static bool InSet(byte b) => (b & 0x7F) is >= 0x21 and <= 0x7E;
}

/// <summary>The code elements DICOM defines (PS3.3 C.12.1.1.2) and the .NET encodings behind them.</summary>
internal static class CodeElements
{
    private static readonly EncodingProvider Provider = CodePagesEncodingProvider.Instance;

    public static readonly Iso646Element Ascii = new("ISO-IR 6", Escape("(B"));
    public static readonly Iso646Element Romaji = new("ISO-IR 14", Escape("(J"));
    public static readonly SingleByteElement Katakana = new("ISO-IR 13", Escape(")I"),
        string.Create(128, 0, static (table, _) =>
        {
            for (var i = 0; i < table.Length; i++)
            {
                table[i] = i is >= 0x21 and <= 0x5F ? (char)(0xFF61 - 0x21 + i) : i < 0x20 ? (char)(0x80 + i) : Iso2022.Replacement;
            }
        }));

    public static readonly SingleByteElement Latin1 = SingleByteElement.FromEncoding("ISO-IR 100", (byte)'A', Encoding.Latin1);
    public static readonly SingleByteElement Latin2 = SingleByteElement.FromEncoding("ISO-IR 101", (byte)'B', CodePage(28592));
    public static readonly SingleByteElement Latin3 = SingleByteElement.FromEncoding("ISO-IR 109", (byte)'C', CodePage(28593));
    public static readonly SingleByteElement Latin4 = SingleByteElement.FromEncoding("ISO-IR 110", (byte)'D', CodePage(28594));
    public static readonly SingleByteElement Cyrillic = SingleByteElement.FromEncoding("ISO-IR 144", (byte)'L', CodePage(28595));
    public static readonly SingleByteElement Arabic = SingleByteElement.FromEncoding("ISO-IR 127", (byte)'G', CodePage(28596));
    public static readonly SingleByteElement Greek = SingleByteElement.FromEncoding("ISO-IR 126", (byte)'F', CodePage(28597));
    public static readonly SingleByteElement Hebrew = SingleByteElement.FromEncoding("ISO-IR 138", (byte)'H', CodePage(28598));
    public static readonly SingleByteElement Latin5 = SingleByteElement.FromEncoding("ISO-IR 148", (byte)'M', CodePage(28599));
    public static readonly SingleByteElement Latin9 = SingleByteElement.FromEncoding("ISO-IR 203", (byte)'b', CodePage(28605));
    public static readonly SingleByteElement Thai = SingleByteElement.FromEncoding("ISO-IR 166", (byte)'T', CodePage(874));

    private static readonly Encoding EucJp = CodePage(20932); // JIS X 0208 and (with lowTrail) JIS X 0212
    public static readonly DoubleByteElement JisX0208 = new("ISO-IR 87", false, Escape("$B"), EucJp);
    public static readonly DoubleByteElement JisX0212 = new("ISO-IR 159", false, Escape("$(D"), EucJp, lowTrail: true);
    public static readonly DoubleByteElement KsX1001 = new("ISO-IR 149", true, Escape("$)C"), CodePage(51949));
    public static readonly DoubleByteElement Gb2312 = new("ISO-IR 58", true, Escape("$)A"), CodePage(20936));

    /// <summary>GB 18030 and GBK (PS3.3 table C.12-5): strict when encoding, U+FFFD for invalid bytes when decoding.</summary>
    public static readonly Encoding Gb18030 = CodePage(54936, EncoderFallback.ExceptionFallback);
    public static readonly Encoding Gbk = CodePage(936, EncoderFallback.ExceptionFallback);

    /// <summary>ESC followed by <paramref name="sequence"/>.</summary>
    public static byte[] Escape(string sequence) => [Iso2022.Esc, .. sequence.Select(c => (byte)c)];

    /// <summary>A code page whose encoder writes nothing for characters it lacks (or throws) and decodes invalid bytes as U+FFFD.</summary>
    private static Encoding CodePage(int codePage, EncoderFallback? encoderFallback = null) =>
        Provider.GetEncoding(codePage, encoderFallback ?? new EncoderReplacementFallback(""), new DecoderReplacementFallback("\uFFFD"))!;
}

/// <summary>
/// ISO/IEC 2022 code extension as PS3.5 6.1.2.5 restricts it: an initial G0/G1 pair (value 1 of Specific Character Set),
/// the sets the other values declare, and a return to the initial sets at every delimiter (6.1.2.5.3).
/// </summary>
internal sealed class Iso2022
{
    public const byte Esc = 0x1B;
    public const char Replacement = '\uFFFD';

    /// <summary>The bytes that may need more than reading as ASCII.</summary>
    public static readonly SearchValues<byte> EscapeOrHigh = SearchValues.Create(EscapeOrHighBytes());
    private static readonly SearchValues<byte> TextStops = SearchValues.Create([.. EscapeOrHighBytes(), .. "\r\n\f\t"u8]);
    private static readonly SearchValues<byte> MultiValuedStops = SearchValues.Create([.. EscapeOrHighBytes(), .. "\r\n\f\t\\"u8]);
    private static readonly SearchValues<byte> PersonNameStops = SearchValues.Create([.. EscapeOrHighBytes(), .. "\r\n\f\t\\^="u8]);

    private readonly CodeElement _g0;
    private readonly CodeElement? _g1;
    private readonly CodeElement[] _declared;     // in the order of the terms: the candidates when encoding
    private readonly CodeElement[] _designatable; // the declared sets and ASCII: the escape sequences understood when decoding
    private readonly CodeElement _strayG1;        // reads GR bytes when no G1 set is designated

    public Iso2022(CodeElement g0, CodeElement? g1, IReadOnlyList<CodeElement> declared)
    {
        _g0 = g0;
        _g1 = g1;
        _declared = [.. declared];
        _designatable = [.. declared.Append(CodeElements.Ascii).Distinct()];
        // Files that declare "\ISO 2022 IR 149" often omit the escape sequence; the declared G1 set is the best guess.
        _strayG1 = declared.FirstOrDefault(e => e.IsG1) ?? CodeElements.Latin1;
    }

    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        char[]? rented = null;
        var chars = bytes.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(bytes.Length));
        var text = new string(chars[..Decode(bytes, chars, vr)]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
        return text;
    }

    private int Decode(ReadOnlySpan<byte> bytes, Span<char> chars, DicomVR vr)
    {
        var (g0, g1) = (_g0, _g1);
        var n = 0;
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b >= 0x80)
            {
                var end = bytes[i..].IndexOfAnyInRange((byte)0, (byte)0x7F);
                end = end < 0 ? bytes.Length : i + end;
                n += (g1 ?? _strayG1).Decode(bytes[i..end], chars[n..]);
                i = end;
            }
            else if (b == Esc && Designated(bytes[i..]) is { } element)
            {
                (g0, g1) = element.IsG1 ? (g0, element) : (element, g1);
                i += element.Escape.Length;
            }
            else if (g0.IsDoubleByte && b is > 0x20 and < 0x7F)
            {
                var end = bytes[i..].IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E);
                end = end < 0 ? bytes.Length : i + end;
                n += g0.Decode(bytes[i..end], chars[n..]);
                i = end;
            }
            else
            {
                // ISO 646, controls and space; an unknown escape sequence is kept as text, like pydicom does.
                if (IsDelimiter(b, vr))
                {
                    (g0, g1) = (_g0, _g1);
                }
                // A run of them lasts to the next GR byte or escape, and to the next delimiter while other sets are active.
                var end = i + 1;
                if (!g0.IsDoubleByte)
                {
                    var next = bytes[end..].IndexOfAny(g0 == _g0 && g1 == _g1 ? EscapeOrHigh : Stops(vr));
                    end = next < 0 ? bytes.Length : end + next;
                }
                n += Encoding.Latin1.GetChars(bytes[i..end], chars[n..]);
                i = end;
            }
        }
        return n;
    }

    private CodeElement? Designated(ReadOnlySpan<byte> bytes)
    {
        foreach (var element in _designatable)
        {
            if (bytes.StartsWith(element.Escape))
            {
                return element;
            }
        }
        return null;
    }

    /// <summary>Encodes <paramref name="text"/>, or returns the index of the first character none of the sets contains.</summary>
    public byte[] Encode(string text, DicomVR vr, out int unencodable)
    {
        var output = new ArrayBufferWriter<byte>(text.Length + 16);
        Span<byte> bytes = stackalloc byte[2];
        var (g0, g1) = (_g0, _g1);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80 && IsDelimiter((byte)c, vr))
            {
                Restore(output, g0, g1);
                output.Write([(byte)c]);
                (g0, g1) = (_g0, _g1);
                continue;
            }
            var length = g0.Encode(c, bytes);
            if (length == 0 && (g1 is null || (length = g1.Encode(c, bytes)) == 0))
            {
                var element = FirstContaining(c, bytes, out length);
                if (element is null)
                {
                    unencodable = i;
                    return [];
                }
                output.Write(element.Escape);
                (g0, g1) = element.IsG1 ? (g0, element) : (element, g1);
            }
            output.Write(bytes[..length]);
        }
        Restore(output, g0, g1);
        unencodable = -1;
        return output.WrittenSpan.ToArray();
    }

    private CodeElement? FirstContaining(char c, Span<byte> bytes, out int length)
    {
        foreach (var element in _declared)
        {
            if ((length = element.Encode(c, bytes)) > 0)
            {
                return element;
            }
        }
        length = 0;
        return null;
    }

    /// <summary>Makes the initial sets active again (PS3.5 6.1.2.5.3); nothing to do for a G1 set when value 1 has none.</summary>
    private void Restore(ArrayBufferWriter<byte> output, CodeElement g0, CodeElement? g1)
    {
        if (g0 != _g0)
        {
            output.Write(_g0.Escape);
        }
        if (g1 != _g1 && _g1 is not null)
        {
            output.Write(_g1.Escape);
        }
    }

    private static byte[] EscapeOrHighBytes() => [Esc, .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)];

    /// <summary>The bytes that end a run of ISO 646 while other sets than the initial ones are active.</summary>
    private static SearchValues<byte> Stops(DicomVR vr) =>
        vr == DicomVR.PN ? PersonNameStops : vr.IsSingleValuedText() ? TextStops : MultiValuedStops;

    /// <summary>
    /// Where the initial sets become active again (PS3.5 6.1.2.5.3): CR, LF, FF, TAB; the value delimiter '\' (except in the
    /// single-valued LT, ST, UT); and '^' and '=' in person names.
    /// </summary>
    private static bool IsDelimiter(byte b, DicomVR vr) => b switch
    {
        (byte)'\r' or (byte)'\n' or (byte)'\f' or (byte)'\t' => true,
        (byte)'\\' => !vr.IsSingleValuedText(),
        (byte)'^' or (byte)'=' => vr == DicomVR.PN,
        _ => false,
    };
}
