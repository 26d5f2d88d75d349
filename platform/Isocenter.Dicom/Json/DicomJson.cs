using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Isocenter.Dicom.Json;

/// <summary>
/// DICOM JSON (PS3.18 Annex F, media type application/dicom+json): datasets to and from JSON objects, and lists of datasets
/// (QIDO-RS and WADO-RS metadata responses) to and from JSON arrays.
/// </summary>
/// <remarks>
/// Writing follows F.2 strictly: keys in tag order, no group lengths, "Value" omitted when empty, null for empty values of a
/// multi-valued element. DS and IS values are JSON numbers when their text is a JSON number literal and strings otherwise,
/// so nothing is lost; SV and UV are numbers within ±2^53 and strings beyond; FL and FD NaN and infinities, which JSON
/// numbers cannot express, are the strings "NaN", "Infinity" and "-Infinity". Encapsulated Pixel Data is a BulkDataURI when the
/// provider gives one, otherwise an InlineBinary of its Value Field as Part 10 encodes it (Basic Offset Table and fragment items,
/// with item headers), which is what pydicom writes and keeps frame boundaries; reading turns such an OB Pixel Data back into fragments.
/// </remarks>
public static class DicomJson
{
    /// <summary>Writes <paramref name="dataset"/> as a DICOM JSON object.</summary>
    public static void Serialize(DicomDataset dataset, Utf8JsonWriter writer, DicomJsonOptions? options = null) =>
        new DicomJsonWriter(writer, options ?? DicomJsonOptions.Default).WriteDataset(dataset);

    /// <summary>Writes <paramref name="datasets"/> as a JSON array of DICOM JSON objects (PS3.18 F.2.1).</summary>
    public static void Serialize(IEnumerable<DicomDataset> datasets, Utf8JsonWriter writer, DicomJsonOptions? options = null)
    {
        var json = new DicomJsonWriter(writer, options ?? DicomJsonOptions.Default);
        writer.WriteStartArray();
        foreach (var dataset in datasets)
        {
            json.WriteDataset(dataset);
        }
        writer.WriteEndArray();
    }

    /// <summary>Writes <paramref name="dataset"/> to <paramref name="stream"/> as UTF-8 DICOM JSON.</summary>
    public static void Serialize(DicomDataset dataset, Stream stream, DicomJsonOptions? options = null)
    {
        using var writer = new Utf8JsonWriter(stream, WriterOptions(options));
        Serialize(dataset, writer, options);
    }

    /// <summary>Writes <paramref name="datasets"/> to <paramref name="stream"/> as a UTF-8 JSON array.</summary>
    public static void Serialize(IEnumerable<DicomDataset> datasets, Stream stream, DicomJsonOptions? options = null)
    {
        using var writer = new Utf8JsonWriter(stream, WriterOptions(options));
        Serialize(datasets, writer, options);
    }

    /// <summary>The DICOM JSON of <paramref name="dataset"/>.</summary>
    public static string Serialize(DicomDataset dataset, DicomJsonOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions(options)))
        {
            Serialize(dataset, writer, options);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The DICOM JSON array of <paramref name="datasets"/>.</summary>
    public static string Serialize(IEnumerable<DicomDataset> datasets, DicomJsonOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions(options)))
        {
            Serialize(datasets, writer, options);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a dataset from a UTF-8 DICOM JSON object; malformed input throws <see cref="DicomDataException"/>.</summary>
    public static DicomDataset Deserialize(ReadOnlySpan<byte> utf8Json, DicomJsonOptions? options = null) =>
        new DicomJsonReader(options ?? DicomJsonOptions.Default).ReadDataset(utf8Json);

    /// <summary>Reads a dataset from a stream holding a UTF-8 DICOM JSON object.</summary>
    public static DicomDataset Deserialize(Stream stream, DicomJsonOptions? options = null) =>
        Deserialize(ReadAll(stream).Span, options);

    /// <summary>Reads a dataset from a DICOM JSON object.</summary>
    public static DicomDataset Deserialize(string json, DicomJsonOptions? options = null) =>
        Deserialize(Encoding.UTF8.GetBytes(json), options);

    /// <summary>Reads the datasets of a UTF-8 DICOM JSON array.</summary>
    public static List<DicomDataset> DeserializeList(ReadOnlySpan<byte> utf8Json, DicomJsonOptions? options = null) =>
        new DicomJsonReader(options ?? DicomJsonOptions.Default).ReadDatasets(utf8Json);

    /// <summary>Reads the datasets of a stream holding a UTF-8 DICOM JSON array.</summary>
    public static List<DicomDataset> DeserializeList(Stream stream, DicomJsonOptions? options = null) =>
        DeserializeList(ReadAll(stream).Span, options);

    /// <summary>Reads the datasets of a DICOM JSON array.</summary>
    public static List<DicomDataset> DeserializeList(string json, DicomJsonOptions? options = null) =>
        DeserializeList(Encoding.UTF8.GetBytes(json), options);

    private static JsonWriterOptions WriterOptions(DicomJsonOptions? options) => new()
    {
        Indented = options?.WriteIndented ?? false,
        // Text stays readable Unicode; quotes, backslashes and control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static ReadOnlyMemory<byte> ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.GetBuffer().AsMemory(0, (int)memory.Length);
    }
}
