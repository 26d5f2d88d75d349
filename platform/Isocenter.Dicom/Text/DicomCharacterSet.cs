using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Isocenter.Dicom.Text;

/// <summary>The character repertoires of a dataset's Specific Character Set (0008,0005), PS3.5 6.1 and PS3.3 C.12.1.1.2.</summary>
/// <remarks>
/// Reading is lenient: misspelled terms are corrected, unknown ones read as Latin-1 (as pydicom does), invalid bytes become
/// U+FFFD and unknown escape sequences stay in the text. Writing is strict: a character outside the declared repertoires throws.
/// </remarks>
public sealed class DicomCharacterSet : IEquatable<DicomCharacterSet>
{
    private static readonly Encoding Utf8Encoding =
        Encoding.GetEncoding(65001, EncoderFallback.ExceptionFallback, new DecoderReplacementFallback("\uFFFD"));
    private static readonly ConcurrentDictionary<string, DicomCharacterSet> Cache = new(StringComparer.Ordinal);

    private readonly string[] _terms;
    private readonly Encoding? _unextended; // ISO_IR 192, GB18030, GBK: no code extensions (PS3.3 table C.12-5)
    private readonly Iso2022? _iso2022;     // every other set, with or without code extensions

    private DicomCharacterSet(string[] terms, Encoding? unextended, Iso2022? iso2022)
    {
        _terms = terms;
        _unextended = unextended;
        _iso2022 = iso2022;
    }

    /// <summary>The default repertoire (ISO-IR 6); bytes above 0x7F are decoded leniently as Latin-1.</summary>
    public static DicomCharacterSet Default { get; } = new([], null, null);

    /// <summary>ISO_IR 192: UTF-8.</summary>
    public static DicomCharacterSet Utf8 { get; } = new(["ISO_IR 192"], Utf8Encoding, null);

    /// <summary>The defined terms, as given in (0008,0005).</summary>
    public IReadOnlyList<string> Terms => _terms;

    /// <summary>True for the default repertoire.</summary>
    public bool IsDefault => _terms.Length == 0;

    /// <summary>The character set for the values of Specific Character Set; unknown terms are tolerated.</summary>
    public static DicomCharacterSet FromSpecificCharacterSet(IReadOnlyList<string> terms)
    {
        var key = string.Join('\\', terms);
        if (Cache.TryGetValue(key, out var cached))
        {
            return cached;
        }
        var created = Create([.. terms.Select(t => t.Trim())]);
        if (Cache.Count < 64)
        {
            Cache.TryAdd(key, created);
        }
        return created;
    }

    private static DicomCharacterSet Create(string[] terms)
    {
        if (terms.All(t => t.Length == 0))
        {
            return Default;
        }
        // An unknown value 1 is read as Latin-1, like pydicom; a multi-byte set there (only allowed as value 2 to n) is
        // taken as a code extension of ASCII.
        var first = Resolve(terms[0]) ?? new Term(CodeElements.Ascii, CodeElements.Latin1);
        if (first.Unextended is not null)
        {
            return new(terms, first.Unextended, null); // these allow no code extensions: values 2 to n are ignored
        }
        var g0 = first.G0 is { IsDoubleByte: false } ? first.G0 : CodeElements.Ascii;
        var g1 = first.G1 is { IsDoubleByte: false } ? first.G1 : null;
        // The sets Encode may choose, in the order it tries them: value 1's, then those of each value.
        var declared = terms.Select(Resolve).Where(t => t is { Unextended: null }).SelectMany(t => new[] { t!.G0, t.G1 })
            .Prepend(g1).Prepend(g0).OfType<CodeElement>().Distinct().ToList();
        return new(terms, null, new Iso2022(g0, g1, declared));
    }

    /// <summary>Decodes one whole value (all its values, with their backslashes) of a text VR.</summary>
    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        if (IsDefault || !vr.UsesCharacterSet() || !bytes.ContainsAny(Iso2022.EscapeOrHigh))
        {
            return Encoding.Latin1.GetString(bytes); // ASCII, or the default repertoire read leniently as Latin-1
        }
        return _unextended?.GetString(bytes) ?? _iso2022!.Decode(bytes, vr);
    }

    /// <summary>Encodes a value of a text VR; throws <see cref="DicomDataException"/> when a character cannot be represented.</summary>
    public byte[] Encode(string text, DicomVR vr)
    {
        var span = text.AsSpan();
        var nonAscii = span.IndexOfAnyExceptInRange('\0', '\x7F');
        var escape = span.IndexOf((char)Iso2022.Esc);
        if (nonAscii < 0 && escape < 0)
        {
            return Encoding.ASCII.GetBytes(text);
        }
        if (IsDefault || !vr.UsesCharacterSet())
        {
            throw Unencodable(text, nonAscii < 0 ? escape : escape < 0 ? nonAscii : Math.Min(nonAscii, escape), vr);
        }
        if (_unextended is not null)
        {
            try
            {
                return _unextended.GetBytes(text);
            }
            catch (EncoderFallbackException e)
            {
                throw Unencodable(text, Math.Clamp(e.Index, 0, text.Length - 1), vr);
            }
        }
        var bytes = _iso2022!.Encode(text, vr, out var unencodable);
        return unencodable < 0 ? bytes : throw Unencodable(text, unencodable, vr);
    }

    private DicomDataException Unencodable(string text, int index, DicomVR vr)
    {
        var code = Rune.TryGetRuneAt(text, index, out var rune) ? rune.Value : text[index];
        var character = Rune.IsValid(code) && !Rune.IsControl(new Rune(code))
            ? $"'{char.ConvertFromUtf32(code)}' (U+{code:X4})" : $"U+{code:X4}";
        var where = $"Cannot encode {character} at position {index} of a {vr.Code()} value";
        return new DicomDataException(
            !vr.UsesCharacterSet() ? $"{where}: {vr.Code()} is limited to the default repertoire ISO-IR 6 (PS3.5 6.1.2.3)."
            : IsDefault ? $"{where} in the default repertoire ISO-IR 6: set Specific Character Set to ISO_IR 192 (UTF-8) "
                + "or another set that has it."
            : $"{where} with Specific Character Set '{this}': use ISO_IR 192 (UTF-8), which represents every character.");
    }

    /// <summary>
    /// The terms that are not "ISO_IR n" or "ISO 2022 IR n" (without punctuation): GB18030 and GBK, by code page as they have
    /// no ISO-IR number, and Python codec names, which pydicom accepts.
    /// </summary>
    private static readonly FrozenDictionary<string, int> Names = new (string Name, int Number)[]
    {
        ("GB18030", 54936), ("GBK", 936), ("ISO2022GBK", 936), ("UTF8", 192), ("LATIN1", 100), ("ISO8859", 100),
        ("ISO88591", 100), ("ISO88592", 101), ("ISO88593", 109), ("ISO88594", 110), ("ISO88595", 144), ("ISO88596", 127),
        ("ISO88597", 126), ("ISO88598", 138), ("ISO88599", 148), ("ISO885911", 166), ("ISO885915", 203),
    }.ToFrozenDictionary(n => n.Name, n => n.Number, StringComparer.Ordinal);

    /// <summary>A term's G0 and G1 sets (either may be absent), or the one encoding of a set without code extensions.</summary>
    private sealed record Term(CodeElement? G0, CodeElement? G1, Encoding? Unextended = null);

    /// <summary>
    /// The sets of a defined term (PS3.3 tables C.12-2 to C.12-5), forgiving case and punctuation ("ISO-IR 100", "ISO_IR100",
    /// "ISO 2022 58") and accepting the codec names pydicom accepts ("utf8", "latin1", "iso8859-5"); null when unknown.
    /// </summary>
    private static Term? Resolve(string term)
    {
        var key = new string([.. term.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);
        var number = key.Length == 0 ? 6 : Names.TryGetValue(key, out var named) ? named : IsoIRNumber(key);
        return number switch
        {
            6 => new(CodeElements.Ascii, null),
            13 => new(CodeElements.Romaji, CodeElements.Katakana),
            100 => new(CodeElements.Ascii, CodeElements.Latin1),
            101 => new(CodeElements.Ascii, CodeElements.Latin2),
            109 => new(CodeElements.Ascii, CodeElements.Latin3),
            110 => new(CodeElements.Ascii, CodeElements.Latin4),
            144 => new(CodeElements.Ascii, CodeElements.Cyrillic),
            127 => new(CodeElements.Ascii, CodeElements.Arabic),
            126 => new(CodeElements.Ascii, CodeElements.Greek),
            138 => new(CodeElements.Ascii, CodeElements.Hebrew),
            148 => new(CodeElements.Ascii, CodeElements.Latin5),
            203 => new(CodeElements.Ascii, CodeElements.Latin9),
            166 => new(CodeElements.Ascii, CodeElements.Thai),
            87 => new(CodeElements.JisX0208, null),
            159 => new(CodeElements.JisX0212, null),
            149 => new(null, CodeElements.KsX1001),
            58 => new(null, CodeElements.Gb2312),
            192 => new(null, null, Utf8Encoding),
            54936 => new(null, null, CodeElements.Gb18030),
            936 => new(null, null, CodeElements.Gbk),
            _ => null,
        };
    }

    /// <summary>n of "ISO_IR n", "ISO 2022 IR n" and their misspellings, with punctuation already removed; 0 otherwise.</summary>
    private static int IsoIRNumber(string key)
    {
        var rest = key.AsSpan();
        if (!rest.StartsWith("ISO"))
        {
            return 0;
        }
        rest = rest[3..];
        rest = rest.StartsWith("2022") ? rest[4..] : rest;
        rest = rest.StartsWith("IR") ? rest[2..] : rest;
        return rest.Length is > 0 and <= 5 && !rest.ContainsAnyExceptInRange('0', '9') ? int.Parse(rest, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The terms joined with backslashes, as in (0008,0005).</summary>
    public override string ToString() => string.Join('\\', _terms);

    /// <inheritdoc/>
    public bool Equals(DicomCharacterSet? other) => other is not null && _terms.AsSpan().SequenceEqual(other._terms);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DicomCharacterSet);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var term in _terms)
        {
            hash.Add(term, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}
