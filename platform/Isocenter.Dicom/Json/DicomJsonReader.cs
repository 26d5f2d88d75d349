using System.Text;
using System.Text.Json;

namespace Isocenter.Dicom.Json;

/// <summary>
/// Reads DICOM JSON (PS3.18 F.2) leniently: attribute members in any order, comments, numbers for text VRs and numeric strings
/// for numeric VRs are accepted; anything that cannot be made into an element is a <see cref="DicomDataException"/>.
/// </summary>
internal sealed class DicomJsonReader(DicomBulkDataOptions options)
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 256,
    };

    private DicomTag? _tag;

    /// <summary>Reads one dataset (a JSON object).</summary>
    public DicomDataset ReadDataset(ReadOnlySpan<byte> json)
    {
        var reader = Start(json);
        try
        {
            Next(ref reader);
            var dataset = ReadDataset(ref reader);
            _tag = null;
            End(ref reader);
            return dataset;
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    /// <summary>Reads a JSON array of datasets (PS3.18 F.2.1).</summary>
    public List<DicomDataset> ReadDatasets(ReadOnlySpan<byte> json)
    {
        var reader = Start(json);
        try
        {
            Next(ref reader);
            Expect(ref reader, JsonTokenType.StartArray, "an array of datasets");
            var datasets = new List<DicomDataset>();
            while (Next(ref reader) != JsonTokenType.EndArray)
            {
                datasets.Add(ReadDataset(ref reader));
            }
            _tag = null;
            End(ref reader);
            return datasets;
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    private static Utf8JsonReader Start(ReadOnlySpan<byte> json) =>
        new(json.StartsWith(Encoding.UTF8.Preamble) ? json[3..] : json, ReaderOptions);

    private static void End(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new DicomDataException($"DICOM JSON: unexpected {reader.TokenType} after the end of the document.");
        }
    }

    private DicomDataException Malformed(JsonException e)
    {
        var where = _tag is { } tag ? $" in {tag} {tag.Keyword}" : "";
        return new DicomDataException($"DICOM JSON is malformed{where} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
    }

    private DicomDataset ReadDataset(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "a dataset object");
        var dataset = new DicomDataset();
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var tag = ParseTag(ref reader);
            _tag = tag;
            Next(ref reader);
            dataset.Add(ReadAttribute(ref reader, tag));
        }
        return dataset;
    }

    private static DicomTag ParseTag(ref Utf8JsonReader reader)
    {
        var key = reader.ValueSpan;
        if (!reader.ValueIsEscaped && key.Length == 8 && System.Buffers.Text.Utf8Parser.TryParse(key, out uint value, out var n, 'X') && n == 8)
        {
            return new DicomTag(value);
        }
        throw new DicomDataException($"DICOM JSON: '{reader.GetString()}' is not an attribute tag; keys are 8 hexadecimal digits such as \"00100010\" (PS3.18 F.2.2).");
    }

    private DicomElement ReadAttribute(ref Utf8JsonReader reader, DicomTag tag)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw DicomElementBuilder.Error(tag, $"expected an attribute object with \"vr\", found {reader.TokenType}.");
        }
        DicomVR? vr = null;
        var values = default(Utf8JsonReader);
        var hasValues = false;
        byte[]? inline = null;
        string? uri = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("vr"u8))
            {
                Next(ref reader);
                vr = DicomElementBuilder.ParseVR(tag, reader.TokenType == JsonTokenType.String ? reader.GetString() : reader.TokenType.ToString());
            }
            else if (reader.ValueTextEquals("Value"u8))
            {
                // The VR may come later: remember where the values are and read them once it is known.
                Next(ref reader);
                values = reader;
                hasValues = true;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("InlineBinary"u8))
            {
                Next(ref reader);
                inline = ReadBase64(ref reader, tag);
            }
            else if (reader.ValueTextEquals("BulkDataURI"u8))
            {
                Next(ref reader);
                uri = reader.TokenType == JsonTokenType.String ? reader.GetString()
                    : throw DicomElementBuilder.Error(tag, $"BulkDataURI must be a string, found {reader.TokenType}.");
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }
        if (vr is not { } v)
        {
            throw DicomElementBuilder.Error(tag, "the attribute has no \"vr\" (PS3.18 F.2.2).");
        }
        if (hasValues)
        {
            return ReadValues(ref values, tag, v);
        }
        if (inline is not null)
        {
            return DicomElementBuilder.FromBytes(tag, v, inline);
        }
        if (uri is not null)
        {
            if (!Uri.TryCreate(uri, UriKind.RelativeOrAbsolute, out var parsed))
            {
                throw DicomElementBuilder.Error(tag, $"BulkDataURI '{uri}' is not a URI.");
            }
            return v == DicomVR.SQ ? throw DicomElementBuilder.Error(tag, "a sequence cannot be given as BulkDataURI.")
                : new DicomValueElement(tag, v, options.Resolve(parsed));
        }
        return v == DicomVR.SQ ? new DicomSequence(tag) : new DicomValueElement(tag, v, DicomBuffer.Empty);
    }

    private static byte[] ReadBase64(ref Utf8JsonReader reader, DicomTag tag)
    {
        // Older editions of PS3.18 F.4 show InlineBinary as a one-element array.
        var array = reader.TokenType == JsonTokenType.StartArray;
        if (array)
        {
            Next(ref reader);
        }
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetBytesFromBase64(out var bytes))
        {
            throw DicomElementBuilder.Error(tag, "InlineBinary must be a base64 string.");
        }
        if (array && Next(ref reader) != JsonTokenType.EndArray)
        {
            throw DicomElementBuilder.Error(tag, "InlineBinary must be a single base64 string.");
        }
        return bytes;
    }

    private DicomElement ReadValues(ref Utf8JsonReader reader, DicomTag tag, DicomVR vr)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw DicomElementBuilder.Error(tag, $"\"Value\" must be an array, found {reader.TokenType}.");
        }
        if (vr == DicomVR.SQ)
        {
            var sequence = new DicomSequence(tag);
            while (Next(ref reader) != JsonTokenType.EndArray)
            {
                sequence.Items.Add(reader.TokenType switch
                {
                    JsonTokenType.StartObject => ReadDataset(ref reader),
                    JsonTokenType.Null => new DicomDataset(),
                    _ => throw DicomElementBuilder.Error(tag, $"item {sequence.Items.Count + 1} is {reader.TokenType}; sequence items are dataset objects."),
                });
                _tag = tag;
            }
            return sequence;
        }
        var values = new List<string>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            values.Add(reader.TokenType switch
            {
                JsonTokenType.Null => "",
                JsonTokenType.String => reader.GetString()!,
                // Numbers keep their text, so a DS such as 1.50 reads back unchanged.
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                JsonTokenType.StartObject when vr == DicomVR.PN => ReadPersonName(ref reader, tag),
                _ => throw DicomElementBuilder.Error(tag, $"value {values.Count + 1} is {reader.TokenType}; {vr.Code()} values are "
                    + (vr == DicomVR.PN ? "objects with Alphabetic, Ideographic and Phonetic strings." : "strings or numbers.")),
            });
        }
        return DicomElementBuilder.FromText(tag, vr, values);
    }

    private static string ReadPersonName(ref Utf8JsonReader reader, DicomTag tag)
    {
        string? alphabetic = null, ideographic = null, phonetic = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            Next(ref reader);
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                throw DicomElementBuilder.Error(tag, $"person name group \"{name}\" must be a string, found {reader.TokenType}.");
            }
            var value = reader.GetString();
            switch (name)
            {
                case "Alphabetic": alphabetic = value; break;
                case "Ideographic": ideographic = value; break;
                case "Phonetic": phonetic = value; break;
            }
        }
        return DicomElementBuilder.PersonName(alphabetic, ideographic, phonetic);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw new DicomDataException($"DICOM JSON: expected {what}, found {reader.TokenType}.");
        }
    }

    /// <summary>Moves to the next token; the input is complete, so running out means it was truncated.</summary>
    private static JsonTokenType Next(ref Utf8JsonReader reader) => reader.Read() ? reader.TokenType
        : throw new DicomDataException("DICOM JSON ends too early: the document is truncated.");
}
