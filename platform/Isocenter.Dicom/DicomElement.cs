using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Isocenter.Dicom.Text;

namespace Isocenter.Dicom;

/// <summary>A data element of a dataset: a value, a sequence of items, or encapsulated pixel data fragments.</summary>
public abstract class DicomElement(DicomTag tag, DicomVR vr)
{
    /// <summary>The element's tag.</summary>
    public DicomTag Tag { get; } = tag;

    /// <summary>The element's value representation.</summary>
    public DicomVR VR { get; } = vr;

    /// <inheritdoc/>
    public override string ToString() => $"{Tag} {VR.Code()} {Tag.Keyword}";
}

/// <summary>A data element with a value (every VR but SQ): the bytes as stored, read as text or numbers on demand.</summary>
public sealed class DicomValueElement : DicomElement
{
    /// <summary>Creates an element over little-endian bytes; text VRs are decoded with <paramref name="characterSet"/>.</summary>
    public DicomValueElement(DicomTag tag, DicomVR vr, DicomBuffer buffer, DicomCharacterSet? characterSet = null) : base(tag, vr)
    {
        Buffer = buffer;
        CharacterSet = characterSet ?? DicomCharacterSet.Default;
    }

    /// <summary>The value's bytes, little-endian, including any padding byte.</summary>
    public DicomBuffer Buffer { get; }

    /// <summary>The character set the bytes of a text value are encoded in.</summary>
    public DicomCharacterSet CharacterSet { get; }

    /// <summary>Length of the value in bytes.</summary>
    public long Length => Buffer.Length;

    /// <summary>Number of values (value multiplicity of this instance).</summary>
    public int Count
    {
        get
        {
            if (Buffer.Length == 0)
            {
                return 0;
            }
            if (VR.IsString())
            {
                return VR.IsSingleValuedText() ? 1 : GetStrings().Length;
            }
            return VR switch
            {
                DicomVR.AT => (int)(Buffer.Length / 4),
                _ when VR.IsBinaryNumber() => (int)(Buffer.Length / VR.ValueSize()),
                _ => 1,
            };
        }
    }

    /// <summary>The whole value as text, without trailing padding; for binary VRs, the values joined by backslashes.</summary>
    public string GetString()
    {
        if (!VR.IsString())
        {
            return string.Join('\\', GetStrings());
        }
        var text = CharacterSet.Decode(Buffer.Memory.Span, VR);
        return VR == DicomVR.UI ? text.TrimEnd('\0', ' ') : text.TrimEnd(' ', '\0');
    }

    /// <summary>The values as text: split at backslashes (except LT, ST, UT, UR), insignificant spaces removed (PS3.5 6.2).</summary>
    public string[] GetStrings()
    {
        if (!VR.IsString())
        {
            return VR switch
            {
                DicomVR.AT => [.. GetValues<DicomTag>().Select(t => t.ToJsonKey())],
                DicomVR.FL or DicomVR.OF => [.. GetValues<float>().Select(v => v.ToString("R", CultureInfo.InvariantCulture))],
                DicomVR.FD or DicomVR.OD => [.. GetValues<double>().Select(v => v.ToString("R", CultureInfo.InvariantCulture))],
                _ when VR.IsBinaryNumber() || VR is DicomVR.OW or DicomVR.OL or DicomVR.OV =>
                    [.. GetValues<long>().Select(v => v.ToString(CultureInfo.InvariantCulture))],
                _ => [Convert.ToHexString(Buffer.Memory.Span)],
            };
        }
        var text = GetString();
        if (VR.IsSingleValuedText())
        {
            return text.Length == 0 ? [] : [text];
        }
        if (text.Length == 0)
        {
            return [];
        }
        var values = text.Split('\\');
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = TrimValue(values[i], VR);
        }
        return values;
    }

    /// <summary>The value at <paramref name="index"/> converted to <typeparamref name="T"/>.</summary>
    public T GetValue<T>(int index = 0)
    {
        var values = GetValues<T>();
        return index < values.Length ? values[index]
            : throw new DicomDataException($"{Tag} {Tag.Keyword} has {values.Length} value(s); value {index + 1} was asked for.");
    }

    /// <summary>
    /// All values converted to <typeparamref name="T"/>: the VR's own number type (or any wider one) for binary VRs; numbers,
    /// dates (<see cref="DateOnly"/>, <see cref="TimeOnly"/>, <see cref="DateTime"/>), <see cref="DicomPersonName"/> or strings
    /// for text VRs; <see cref="DicomTag"/> for AT; bytes for OB/UN.
    /// </summary>
    public T[] GetValues<T>()
    {
        try
        {
            return (T[])ConvertValues(typeof(T));
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            throw new DicomDataException($"{Tag} {Tag.Keyword} ({VR.Code()}) cannot be read as {typeof(T).Name}: {e.Message}", e);
        }
    }

    private Array ConvertValues(Type type)
    {
        if (type == typeof(string))
        {
            return GetStrings();
        }
        var span = Buffer.Memory.Span;
        if (VR == DicomVR.AT)
        {
            if (type != typeof(DicomTag))
            {
                throw new InvalidCastException("AT values are tags");
            }
            var tags = new DicomTag[span.Length / 4];
            for (var i = 0; i < tags.Length; i++)
            {
                tags[i] = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(span[(i * 4)..]), BinaryPrimitives.ReadUInt16LittleEndian(span[(i * 4 + 2)..]));
            }
            return tags;
        }
        if (VR.IsString())
        {
            return ParseTextValues(type, GetStrings());
        }
        if (type == typeof(byte))
        {
            return span.ToArray();
        }
        return VR switch
        {
            DicomVR.US or DicomVR.OW => Widen(MemoryMarshal.Cast<byte, ushort>(span), type),
            DicomVR.SS => Widen(MemoryMarshal.Cast<byte, short>(span), type),
            DicomVR.UL or DicomVR.OL => Widen(MemoryMarshal.Cast<byte, uint>(span), type),
            DicomVR.SL => Widen(MemoryMarshal.Cast<byte, int>(span), type),
            DicomVR.UV or DicomVR.OV => Widen(MemoryMarshal.Cast<byte, ulong>(span), type),
            DicomVR.SV => Widen(MemoryMarshal.Cast<byte, long>(span), type),
            DicomVR.FL or DicomVR.OF => Widen(MemoryMarshal.Cast<byte, float>(span), type),
            DicomVR.FD or DicomVR.OD => Widen(MemoryMarshal.Cast<byte, double>(span), type),
            _ => throw new InvalidCastException($"{VR.Code()} values are bytes"),
        };
    }

    private static Array Widen<TSource>(ReadOnlySpan<TSource> source, Type type)
        where TSource : unmanaged, System.Numerics.INumberBase<TSource>
    {
        if (type == typeof(TSource))
        {
            return source.ToArray();
        }
        return type switch
        {
            _ when type == typeof(short) => Map<TSource, short>(source),
            _ when type == typeof(ushort) => Map<TSource, ushort>(source),
            _ when type == typeof(int) => Map<TSource, int>(source),
            _ when type == typeof(uint) => Map<TSource, uint>(source),
            _ when type == typeof(long) => Map<TSource, long>(source),
            _ when type == typeof(ulong) => Map<TSource, ulong>(source),
            _ when type == typeof(float) => Map<TSource, float>(source),
            _ when type == typeof(double) => Map<TSource, double>(source),
            _ when type == typeof(decimal) => Map<TSource, decimal>(source),
            _ => throw new InvalidCastException($"no conversion to {type.Name}"),
        };

        static TTarget[] Map<TFrom, TTarget>(ReadOnlySpan<TFrom> s)
            where TFrom : unmanaged, System.Numerics.INumberBase<TFrom>
            where TTarget : System.Numerics.INumberBase<TTarget>
        {
            var result = new TTarget[s.Length];
            for (var i = 0; i < s.Length; i++)
            {
                result[i] = TTarget.CreateChecked(s[i]);
            }
            return result;
        }
    }

    private Array ParseTextValues(Type type, string[] values)
    {
        Func<string, object> parse = type switch
        {
            _ when type == typeof(int) => v => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture),
            _ when type == typeof(long) => v => long.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture),
            _ when type == typeof(ushort) => v => ushort.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture),
            _ when type == typeof(uint) => v => uint.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture),
            _ when type == typeof(double) => v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ when type == typeof(float) => v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ when type == typeof(decimal) => v => decimal.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ when type == typeof(DateOnly) => v => DicomDateTime.ParseDate(v),
            _ when type == typeof(TimeOnly) => v => DicomDateTime.ParseTime(v),
            _ when type == typeof(DateTime) => v => VR == DicomVR.DA ? DicomDateTime.ParseDate(v).ToDateTime(TimeOnly.MinValue) : DicomDateTime.ParseDateTime(v).DateTime,
            _ when type == typeof(DateTimeOffset) => v => DicomDateTime.ParseDateTime(v),
            _ when type == typeof(DicomPersonName) => v => DicomPersonName.Parse(v),
            _ => throw new InvalidCastException($"no conversion from text to {type.Name}"),
        };
        var result = Array.CreateInstance(type, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            result.SetValue(parse(values[i]), i);
        }
        return result;
    }

    /// <summary>Removes the spaces PS3.5 6.2 declares insignificant for <paramref name="vr"/>.</summary>
    internal static string TrimValue(string value, DicomVR vr) => vr switch
    {
        DicomVR.AE or DicomVR.CS or DicomVR.DS or DicomVR.IS or DicomVR.LO or DicomVR.SH => value.Trim(' '),
        DicomVR.UI => value.TrimEnd('\0', ' '),
        _ => value.TrimEnd(' '),
    };

    /// <summary>Creates a text element from values, which are joined with backslashes and padded to even length.</summary>
    public static DicomValueElement FromStrings(DicomTag tag, DicomVR vr, params IReadOnlyList<string> values)
    {
        if (!vr.IsString())
        {
            return FromStringsAsNumbers(tag, vr, values);
        }
        var joined = string.Join('\\', values);
        var ascii = Ascii.IsValid(joined);
        if (!ascii && !vr.UsesCharacterSet())
        {
            throw new DicomDataException($"{tag} {tag.Keyword}: {vr.Code()} values are limited to the default repertoire (ASCII); got '{joined}'.");
        }
        // Non-ASCII text is held as UTF-8 and re-encoded into the dataset's Specific Character Set when written.
        var characterSet = ascii ? DicomCharacterSet.Default : DicomCharacterSet.Utf8;
        var bytes = ascii ? Encoding.ASCII.GetBytes(joined) : characterSet.Encode(joined, vr);
        return new DicomValueElement(tag, vr, DicomBuffer.FromBytes(Pad(bytes, vr)), characterSet);
    }

    /// <summary>Creates a binary element (US, SS, UL, SL, UV, SV, FL, FD, OB, OW, OL, OV, OF, OD) from numbers.</summary>
    public static DicomValueElement FromValues<T>(DicomTag tag, DicomVR vr, params ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (vr.IsString())
        {
            var text = new string[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                text[i] = FormatNumber(values[i], vr);
            }
            return FromStrings(tag, vr, text);
        }
        var bytes = vr switch
        {
            DicomVR.US or DicomVR.OW => Narrow<T, ushort>(values),
            DicomVR.SS => Narrow<T, short>(values),
            DicomVR.UL or DicomVR.OL => Narrow<T, uint>(values),
            DicomVR.SL => Narrow<T, int>(values),
            DicomVR.UV or DicomVR.OV => Narrow<T, ulong>(values),
            DicomVR.SV => Narrow<T, long>(values),
            DicomVR.FL or DicomVR.OF => Narrow<T, float>(values),
            DicomVR.FD or DicomVR.OD => Narrow<T, double>(values),
            DicomVR.OB or DicomVR.UN => Narrow<T, byte>(values),
            _ => throw new DicomDataException($"{tag}: numbers cannot be stored in a {vr.Code()} element."),
        };
        return new DicomValueElement(tag, vr, DicomBuffer.FromBytes(Pad(bytes, vr)));

        static byte[] Narrow<TFrom, TTo>(ReadOnlySpan<TFrom> source)
            where TFrom : unmanaged, System.Numerics.INumberBase<TFrom>
            where TTo : unmanaged, System.Numerics.INumberBase<TTo>
        {
            var target = new TTo[source.Length];
            for (var i = 0; i < source.Length; i++)
            {
                target[i] = TTo.CreateChecked(source[i]);
            }
            return MemoryMarshal.AsBytes(target.AsSpan()).ToArray();
        }
    }

    /// <summary>Creates an AT element.</summary>
    public static DicomValueElement FromTags(DicomTag tag, params ReadOnlySpan<DicomTag> values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 4), values[i].Group);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 4 + 2), values[i].Element);
        }
        return new DicomValueElement(tag, DicomVR.AT, DicomBuffer.FromBytes(bytes));
    }

    private static DicomValueElement FromStringsAsNumbers(DicomTag tag, DicomVR vr, IReadOnlyList<string> values)
    {
        if (vr == DicomVR.AT)
        {
            return FromTags(tag, [.. values.Select(DicomTag.Parse)]);
        }
        if (vr is DicomVR.FL or DicomVR.FD or DicomVR.OF or DicomVR.OD)
        {
            return FromValues<double>(tag, vr, [.. values.Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))]);
        }
        if (vr is DicomVR.UV or DicomVR.OV)
        {
            return FromValues<ulong>(tag, vr, [.. values.Select(v => ulong.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture))]);
        }
        return FromValues<long>(tag, vr, [.. values.Select(v => long.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture))]);
    }

    private static string FormatNumber<T>(T value, DicomVR vr)
        where T : System.Numerics.INumberBase<T>
    {
        if (vr != DicomVR.DS)
        {
            return value.ToString(null, CultureInfo.InvariantCulture);
        }
        // DS holds at most 16 characters: use the shortest round-trip form, then fewer digits until it fits.
        var d = double.CreateChecked(value);
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        for (var digits = 15; text.Length > 16 && digits > 0; digits--)
        {
            text = d.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        return text;
    }

    /// <summary>Pads a value to even length with the VR's padding byte.</summary>
    internal static byte[] Pad(byte[] bytes, DicomVR vr)
    {
        if ((bytes.Length & 1) == 0)
        {
            return bytes;
        }
        var padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = vr.PaddingByte();
        return padded;
    }
}

/// <summary>A sequence (SQ): an ordered list of item datasets.</summary>
public sealed class DicomSequence(DicomTag tag, params IEnumerable<DicomDataset> items) : DicomElement(tag, DicomVR.SQ)
{
    /// <summary>The items, in order.</summary>
    public List<DicomDataset> Items { get; } = [.. items];
}

/// <summary>Encapsulated pixel data (PS3.5 A.4): a Basic Offset Table item followed by fragments.</summary>
public sealed class DicomFragmentSequence(DicomTag tag, DicomVR vr, DicomBuffer offsetTable, params IEnumerable<DicomBuffer> fragments) : DicomElement(tag, vr)
{
    /// <summary>The Basic Offset Table item's bytes (often empty).</summary>
    public DicomBuffer OffsetTable { get; } = offsetTable;

    /// <summary>The fragments, in order.</summary>
    public List<DicomBuffer> Fragments { get; } = [.. fragments];

    /// <summary>The offsets of the Basic Offset Table, one per frame (empty when the table is empty).</summary>
    public IReadOnlyList<uint> Offsets => MemoryMarshal.Cast<byte, uint>(OffsetTable.Memory.Span).ToArray();
}
