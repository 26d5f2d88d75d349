using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Isocenter.Dicom.Json;

/// <summary>
/// Writes datasets as DICOM JSON (PS3.18 F.2) straight to a <see cref="Utf8JsonWriter"/>: values are read from the element's
/// bytes without building strings where the bytes are already ASCII.
/// </summary>
internal sealed class DicomJsonWriter(Utf8JsonWriter writer, DicomBulkDataOptions options)
{
    private static readonly JsonEncodedText VRName = JsonEncodedText.Encode("vr");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("Value");
    private static readonly JsonEncodedText InlineBinaryName = JsonEncodedText.Encode("InlineBinary");
    private static readonly JsonEncodedText BulkDataUriName = JsonEncodedText.Encode("BulkDataURI");
    private static readonly JsonEncodedText[] GroupNames =
        [JsonEncodedText.Encode("Alphabetic"), JsonEncodedText.Encode("Ideographic"), JsonEncodedText.Encode("Phonetic")];

    private readonly DicomElementPathBuilder _path = new();

    /// <summary>Writes one dataset as a JSON object.</summary>
    public void WriteDataset(DicomDataset dataset)
    {
        writer.WriteStartObject();
        foreach (var element in dataset)
        {
            // PS3.18 F.2.2: group lengths are not included.
            if (!element.Tag.IsGroupLength)
            {
                WriteElement(element);
            }
        }
        writer.WriteEndObject();
    }

    private void WriteElement(DicomElement element)
    {
        Span<byte> key = stackalloc byte[8];
        element.Tag.Value.TryFormat(key, out _, "X8", CultureInfo.InvariantCulture);
        writer.WritePropertyName(key);
        writer.WriteStartObject();
        Span<byte> vr = stackalloc byte[2];
        vr[0] = (byte)((ushort)element.VR >> 8);
        vr[1] = (byte)element.VR;
        writer.WriteString(VRName, vr);
        if (element is DicomSequence sequence)
        {
            WriteSequence(sequence);
        }
        else if (options.GetBulkDataUri(_path, element) is { } uri)
        {
            writer.WriteString(BulkDataUriName, uri.OriginalString);
        }
        else if (element is DicomFragmentSequence fragments)
        {
            writer.WriteBase64String(InlineBinaryName, DicomEncapsulation.Encode(fragments));
        }
        else if (element is DicomValueElement value && value.Length > 0)
        {
            WriteValue(value);
        }
        writer.WriteEndObject();
    }

    private void WriteSequence(DicomSequence sequence)
    {
        if (sequence.Items.Count == 0)
        {
            return;
        }
        writer.WriteStartArray(ValueName);
        _path.Enter(sequence.Tag);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            _path.SetItem(i);
            WriteDataset(sequence.Items[i]);
        }
        _path.Leave();
        writer.WriteEndArray();
    }

    private void WriteValue(DicomValueElement element)
    {
        var vr = element.VR;
        var bytes = element.Buffer.Memory.Span;
        if (vr.IsBulk())
        {
            writer.WriteBase64String(InlineBinaryName, bytes);
        }
        else if (vr.IsString())
        {
            // ASCII without ESC reads the same in every character set; anything else is decoded first.
            if (Ascii.IsValid(bytes) && !bytes.Contains((byte)0x1B))
            {
                WriteText(bytes, vr);
            }
            else
            {
                WriteText(element.CharacterSet.Decode(bytes, vr).AsSpan(), vr);
            }
        }
        else
        {
            writer.WriteStartArray(ValueName);
            WriteNumbers(bytes, vr);
            writer.WriteEndArray();
        }
    }

    private void WriteNumbers(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        Span<byte> text = stackalloc byte[20];
        switch (vr)
        {
            case DicomVR.US:
                foreach (var v in MemoryMarshal.Cast<byte, ushort>(bytes))
                {
                    writer.WriteNumberValue(v);
                }
                break;
            case DicomVR.SS:
                foreach (var v in MemoryMarshal.Cast<byte, short>(bytes))
                {
                    writer.WriteNumberValue(v);
                }
                break;
            case DicomVR.UL:
                foreach (var v in MemoryMarshal.Cast<byte, uint>(bytes))
                {
                    writer.WriteNumberValue(v);
                }
                break;
            case DicomVR.SL:
                foreach (var v in MemoryMarshal.Cast<byte, int>(bytes))
                {
                    writer.WriteNumberValue(v);
                }
                break;
            case DicomVR.SV:
                foreach (var v in MemoryMarshal.Cast<byte, long>(bytes))
                {
                    if (DicomElementBuilder.IsSafeInteger(v))
                    {
                        writer.WriteNumberValue(v);
                    }
                    else
                    {
                        v.TryFormat(text, out var n, default, CultureInfo.InvariantCulture);
                        writer.WriteStringValue(text[..n]);
                    }
                }
                break;
            case DicomVR.UV:
                foreach (var v in MemoryMarshal.Cast<byte, ulong>(bytes))
                {
                    if (v <= 1UL << 53)
                    {
                        writer.WriteNumberValue(v);
                    }
                    else
                    {
                        v.TryFormat(text, out var n, default, CultureInfo.InvariantCulture);
                        writer.WriteStringValue(text[..n]);
                    }
                }
                break;
            case DicomVR.FL:
                foreach (var v in MemoryMarshal.Cast<byte, float>(bytes))
                {
                    if (float.IsFinite(v))
                    {
                        writer.WriteNumberValue(v);
                    }
                    else
                    {
                        WriteNonFinite(v);
                    }
                }
                break;
            case DicomVR.FD:
                foreach (var v in MemoryMarshal.Cast<byte, double>(bytes))
                {
                    if (double.IsFinite(v))
                    {
                        writer.WriteNumberValue(v);
                    }
                    else
                    {
                        WriteNonFinite(v);
                    }
                }
                break;
            case DicomVR.AT:
                foreach (var v in MemoryMarshal.Cast<byte, uint>(bytes))
                {
                    // Group in the low half of the little-endian pair.
                    (v << 16 | v >> 16).TryFormat(text, out var n, "X8", CultureInfo.InvariantCulture);
                    writer.WriteStringValue(text[..n]);
                }
                break;
        }
    }

    /// <summary>JSON has no NaN or infinities: they are written as the strings "NaN", "Infinity" and "-Infinity".</summary>
    private void WriteNonFinite(double value) =>
        writer.WriteStringValue(double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8);

    /// <summary>Writes a text value split at backslashes, with the insignificant spaces of PS3.5 6.2 removed.</summary>
    private void WriteText<T>(ReadOnlySpan<T> text, DicomVR vr)
        where T : unmanaged, IBinaryInteger<T>
    {
        text = TrimPadding(text);
        if (text.IsEmpty)
        {
            return;
        }
        writer.WriteStartArray(ValueName);
        if (vr.IsSingleValuedText())
        {
            WriteString(text);
        }
        else
        {
            var backslash = T.CreateTruncating('\\');
            while (true)
            {
                var end = text.IndexOf(backslash);
                WriteTextValue(Trim(end < 0 ? text : text[..end], vr), vr);
                if (end < 0)
                {
                    break;
                }
                text = text[(end + 1)..];
            }
        }
        writer.WriteEndArray();
    }

    private void WriteTextValue<T>(ReadOnlySpan<T> value, DicomVR vr)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (value.IsEmpty)
        {
            writer.WriteNullValue();
        }
        else if (vr == DicomVR.PN)
        {
            WritePersonName(value);
        }
        else if (vr is DicomVR.DS or DicomVR.IS && IsJsonNumber(value))
        {
            WriteNumberAsWritten(value);
        }
        else
        {
            WriteString(value);
        }
    }

    /// <summary>Writes a JSON number literal (ASCII) with its text unchanged.</summary>
    private void WriteNumberAsWritten<T>(ReadOnlySpan<T> number)
        where T : unmanaged, IBinaryInteger<T>
    {
        var options = writer.Options;
        if (!options.Indented && typeof(T) == typeof(byte))
        {
            writer.WriteRawValue(MemoryMarshal.Cast<T, byte>(number), skipInputValidation: true);
            return;
        }
        // WriteRawValue does not indent: the line break and indentation go in front of the number.
        var indent = options.Indented ? options.NewLine.Length + writer.CurrentDepth * options.IndentSize : 0;
        Span<byte> raw = stackalloc byte[Math.Min(indent + number.Length, 256)];
        if (indent + number.Length > raw.Length)
        {
            raw = new byte[indent + number.Length];
        }
        if (indent > 0)
        {
            Encoding.ASCII.GetBytes(options.NewLine, raw);
            raw[options.NewLine.Length..indent].Fill((byte)options.IndentCharacter);
        }
        for (var i = 0; i < number.Length; i++)
        {
            raw[indent + i] = byte.CreateTruncating(number[i]);
        }
        writer.WriteRawValue(raw[..(indent + number.Length)], skipInputValidation: true);
    }

    /// <summary>Writes {"Alphabetic", "Ideographic", "Phonetic"} with the non-empty component groups; null when all are empty.</summary>
    private void WritePersonName<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        var equals = T.CreateTruncating('=');
        if (value.IndexOfAnyExcept(equals) < 0)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartObject();
        for (var group = 0; group < GroupNames.Length; group++)
        {
            // A fourth group is not valid; it stays in the third rather than being lost.
            var end = group == GroupNames.Length - 1 ? -1 : value.IndexOf(equals);
            var text = end < 0 ? value : value[..end];
            if (!text.IsEmpty)
            {
                writer.WritePropertyName(GroupNames[group]);
                WriteString(text);
            }
            if (end < 0)
            {
                break;
            }
            value = value[(end + 1)..];
        }
        writer.WriteEndObject();
    }

    private void WriteString<T>(ReadOnlySpan<T> value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte))
        {
            writer.WriteStringValue(MemoryMarshal.Cast<T, byte>(value));
        }
        else
        {
            writer.WriteStringValue(MemoryMarshal.Cast<T, char>(value));
        }
    }

    /// <summary>The value without the spaces PS3.5 6.2 declares insignificant for <paramref name="vr"/> (as <see cref="DicomValueElement.GetStrings"/>).</summary>
    private static ReadOnlySpan<T> Trim<T>(ReadOnlySpan<T> value, DicomVR vr)
        where T : unmanaged, IBinaryInteger<T>
    {
        var space = T.CreateTruncating(' ');
        return vr switch
        {
            DicomVR.AE or DicomVR.CS or DicomVR.DS or DicomVR.IS or DicomVR.LO or DicomVR.SH => value.Trim(space),
            DicomVR.UI => TrimPadding(value),
            _ => value.TrimEnd(space),
        };
    }

    /// <summary>The value without trailing spaces and NULs.</summary>
    private static ReadOnlySpan<T> TrimPadding<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        var end = value.Length;
        while (end > 0 && (value[end - 1] == T.CreateTruncating(' ') || value[end - 1] == T.Zero))
        {
            end--;
        }
        return value[..end];
    }

    /// <summary>True when the text is a JSON number literal (RFC 8259 section 6), so a DS or IS value can be written as is.</summary>
    internal static bool IsJsonNumber<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = 0;
        if (i < text.Length && Is(text[i], '-'))
        {
            i++;
        }
        if (i < text.Length && Is(text[i], '0'))
        {
            i++;
        }
        else if (!Digits(text, ref i))
        {
            return false;
        }
        if (i < text.Length && Is(text[i], '.'))
        {
            i++;
            if (!Digits(text, ref i))
            {
                return false;
            }
        }
        if (i < text.Length && (Is(text[i], 'e') || Is(text[i], 'E')))
        {
            i++;
            if (i < text.Length && (Is(text[i], '+') || Is(text[i], '-')))
            {
                i++;
            }
            if (!Digits(text, ref i))
            {
                return false;
            }
        }
        return i == text.Length;

        static bool Is(T c, char expected) => c == T.CreateTruncating(expected);

        static bool Digits(ReadOnlySpan<T> text, ref int i)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit((char)ushort.CreateTruncating(text[i])))
            {
                i++;
            }
            return i > start;
        }
    }
}
