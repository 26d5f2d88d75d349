using System.Globalization;
using System.Xml;
using Isocenter.Dicom.Json;

namespace Isocenter.Dicom.Xml;

/// <summary>
/// Reads the Native DICOM Model (PS3.19 A.1) leniently: any namespace, values in any order of their number attribute, a missing
/// vr taken from the dictionary; anything that cannot be made into an element is a <see cref="DicomDataException"/>.
/// </summary>
internal sealed class DicomXmlReader(DicomBulkDataOptions options)
{
    private const int MaxSequenceDepth = 128;
    private static readonly string[] GroupNames = ["Alphabetic", "Ideographic", "Phonetic"];
    private static readonly string[] ComponentNames = ["FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"];

    private DicomTag? _tag;

    /// <summary>Reads the NativeDicomModel document at <paramref name="reader"/>.</summary>
    public DicomDataset Read(XmlReader reader)
    {
        try
        {
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "NativeDicomModel")
            {
                throw new DicomDataException($"Native DICOM Model XML: the root element is <{reader.LocalName}>, not <NativeDicomModel> (PS3.19 A.1).");
            }
            return ReadDataset(reader, 0);
        }
        catch (XmlException e)
        {
            var where = _tag is { } tag ? $" in {tag} {tag.Keyword}" : "";
            throw new DicomDataException($"Native DICOM Model XML is malformed{where} (line {e.LineNumber}, position {e.LinePosition}): {e.Message}", e);
        }
    }

    /// <summary>Reads the DicomAttribute children of the element at <paramref name="reader"/> and moves past its end.</summary>
    private DicomDataset ReadDataset(XmlReader reader, int depth)
    {
        var dataset = new DicomDataset();
        foreach (var child in Children(reader))
        {
            if (child.LocalName == "DicomAttribute")
            {
                ReadAttribute(reader, dataset, depth);
            }
            else
            {
                reader.Skip();
            }
        }
        return dataset;
    }

    private void ReadAttribute(XmlReader reader, DicomDataset dataset, int depth)
    {
        var tag = ParseTag(reader.GetAttribute("tag"));
        _tag = tag;
        if (reader.GetAttribute("privateCreator") is { } creator)
        {
            tag = PrivateTag(dataset, tag, creator);
        }
        var vrCode = reader.GetAttribute("vr");
        // PS3.19 makes vr optional: the dictionary knows the rest, UN what it does not.
        var vr = vrCode is not null ? DicomElementBuilder.ParseVR(tag, vrCode)
            : dataset.FindEntry(tag) is { DefaultVR: not DicomVR.None } entry ? entry.DefaultVR : DicomVR.UN;

        var values = new List<(int Number, string Value)>();
        var items = new List<DicomDataset>();
        DicomElement? element = null;
        foreach (var child in Children(reader))
        {
            switch (child.LocalName)
            {
                case "Value":
                    values.Add((Number(reader, values.Count), reader.ReadElementContentAsString()));
                    break;
                case "PersonName":
                    values.Add((Number(reader, values.Count), ReadPersonName(reader)));
                    break;
                case "Item":
                    if (depth >= MaxSequenceDepth)
                    {
                        throw DicomElementBuilder.Error(tag, $"sequences are nested more than {MaxSequenceDepth} deep.");
                    }
                    items.Add(ReadDataset(reader, depth + 1));
                    break;
                case "InlineBinary":
                    element = DicomElementBuilder.FromBytes(tag, vr, ReadBase64(reader, tag));
                    break;
                case "BulkData":
                    element = BulkData(reader, tag, vr);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (vr == DicomVR.SQ)
        {
            element = new DicomSequence(tag, items);
        }
        else if (element is null)
        {
            // The number attributes give the order (PS3.19 A.1.5); a stable sort keeps document order for ties.
            var ordered = new List<string>(values.Count);
            foreach (var (_, value) in values.OrderBy(v => v.Number))
            {
                ordered.Add(value);
            }
            element = DicomElementBuilder.FromText(tag, vr, ordered);
        }
        dataset.Add(element);
    }

    private DicomValueElement BulkData(XmlReader reader, DicomTag tag, DicomVR vr)
    {
        var text = reader.GetAttribute("uri") ?? (reader.GetAttribute("uuid") is { } uuid ? "urn:uuid:" + uuid : null);
        reader.Skip();
        if (text is null || !Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var uri))
        {
            throw DicomElementBuilder.Error(tag, $"BulkData needs a uri or uuid attribute holding a URI; found '{text}'.");
        }
        return new DicomValueElement(tag, vr, options.Resolve(uri));
    }

    private static byte[] ReadBase64(XmlReader reader, DicomTag tag)
    {
        try
        {
            return Convert.FromBase64String(reader.ReadElementContentAsString());
        }
        catch (FormatException)
        {
            throw DicomElementBuilder.Error(tag, "InlineBinary is not base64.");
        }
    }

    /// <summary>A PersonName element as a PN value: groups joined by '=', components by '^'.</summary>
    private static string ReadPersonName(XmlReader reader)
    {
        var groups = new string?[3];
        foreach (var child in Children(reader))
        {
            var group = Array.IndexOf(GroupNames, child.LocalName);
            if (group < 0)
            {
                reader.Skip();
                continue;
            }
            var components = new string[ComponentNames.Length];
            foreach (var grandchild in Children(reader))
            {
                var component = Array.IndexOf(ComponentNames, grandchild.LocalName);
                if (component < 0)
                {
                    reader.Skip();
                    continue;
                }
                components[component] = reader.ReadElementContentAsString();
            }
            groups[group] = string.Join('^', components).TrimEnd('^');
        }
        return DicomElementBuilder.PersonName(groups[0], groups[1], groups[2]);
    }

    /// <summary>
    /// Visits the child elements of the element at <paramref name="reader"/>, which each visit must consume, then moves past
    /// the parent's end; text, comments and whitespace between them are skipped.
    /// </summary>
    private static IEnumerable<XmlReader> Children(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            yield break;
        }
        reader.Read();
        while (true)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    yield return reader;
                    break;
                case XmlNodeType.EndElement:
                    reader.Read();
                    yield break;
                case XmlNodeType.None:
                    throw new DicomDataException("Native DICOM Model XML ends too early: the document is truncated.");
                default:
                    reader.Read();
                    break;
            }
        }
    }

    private static int Number(XmlReader reader, int count) =>
        int.TryParse(reader.GetAttribute("number"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : count + 1;

    private static DicomTag ParseTag(string? text) =>
        text is { Length: 8 } && uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? new DicomTag(value)
            : throw new DicomDataException($"Native DICOM Model XML: tag '{text}' is not 8 hexadecimal digits such as \"00100010\" (PS3.19 A.1.5).");

    /// <summary>
    /// The tag of a private data element in this dataset: PS3.19 sends gggg00ee plus the creator, so the block is the one
    /// already holding <paramref name="creator"/>, or a new one. A full tag whose block holds that creator is kept.
    /// </summary>
    private static DicomTag PrivateTag(DicomDataset dataset, DicomTag tag, string creator)
    {
        creator = creator.Trim();
        if (!tag.IsPrivate || tag.Element is > 0x00FF and < 0x1000)
        {
            return tag;
        }
        if (tag.Element >= 0x1000 && string.Equals(dataset.GetString(tag.PrivateCreatorTag)?.Trim(), creator, StringComparison.Ordinal))
        {
            return tag;
        }
        return dataset.GetPrivateTag(tag.Group, creator, (byte)tag.Element)!.Value;
    }
}
