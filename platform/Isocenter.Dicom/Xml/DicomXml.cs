using System.Text;
using System.Xml;

namespace Isocenter.Dicom.Xml;

/// <summary>
/// The Native DICOM Model (PS3.19 A.1, used by DICOMweb as application/dicom+xml): datasets to and from XML documents with a
/// NativeDicomModel root, one DicomAttribute per element.
/// </summary>
/// <remarks>
/// Private data elements are written as PS3.19 asks (tag gggg00ee plus privateCreator) alongside their creator elements;
/// reading places them in the block of their creator, reserving one if needed. Values follow the same rules as
/// <see cref="Json.DicomJson"/>; non-finite FL and FD values are xsd:double's NaN, INF and -INF.
/// </remarks>
public static class DicomXml
{
    /// <summary>Writes the NativeDicomModel element of <paramref name="dataset"/>.</summary>
    public static void Serialize(DicomDataset dataset, XmlWriter writer, DicomXmlOptions? options = null) =>
        new DicomXmlWriter(writer, options ?? DicomXmlOptions.Default).WriteModel(dataset);

    /// <summary>Writes <paramref name="dataset"/> to <paramref name="stream"/> as a UTF-8 XML document.</summary>
    public static void Serialize(DicomDataset dataset, Stream stream, DicomXmlOptions? options = null)
    {
        using var writer = XmlWriter.Create(stream, new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = options?.WriteIndented ?? false,
            // Carriage returns are written as &#xD; so that a reader's end-of-line handling keeps them.
            NewLineHandling = NewLineHandling.Entitize,
            CloseOutput = false,
        });
        writer.WriteStartDocument();
        Serialize(dataset, writer, options);
        writer.WriteEndDocument();
    }

    /// <summary>The Native DICOM Model XML document of <paramref name="dataset"/>.</summary>
    public static string Serialize(DicomDataset dataset, DicomXmlOptions? options = null)
    {
        using var stream = new MemoryStream();
        Serialize(dataset, stream, options);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Reads a dataset from the NativeDicomModel element at <paramref name="reader"/>.</summary>
    public static DicomDataset Deserialize(XmlReader reader, DicomXmlOptions? options = null) =>
        new DicomXmlReader(options ?? DicomXmlOptions.Default).Read(reader);

    /// <summary>Reads a dataset from a Native DICOM Model XML document; malformed input throws <see cref="DicomDataException"/>.</summary>
    public static DicomDataset Deserialize(Stream stream, DicomXmlOptions? options = null)
    {
        using var reader = XmlReader.Create(stream, ReaderSettings);
        return Deserialize(reader, options);
    }

    /// <summary>Reads a dataset from a Native DICOM Model XML document held in a string.</summary>
    public static DicomDataset Deserialize(string xml, DicomXmlOptions? options = null)
    {
        using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
        return Deserialize(reader, options);
    }

    /// <summary>No DTDs or external resources: a document cannot make the reader fetch anything or expand entities.</summary>
    private static XmlReaderSettings ReaderSettings => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };
}
