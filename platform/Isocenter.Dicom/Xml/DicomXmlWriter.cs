using System.Globalization;
using System.Runtime.InteropServices;
using System.Xml;
using Isocenter.Dicom.Json;

namespace Isocenter.Dicom.Xml;

/// <summary>Writes datasets as the Native DICOM Model (PS3.19 A.1).</summary>
internal sealed class DicomXmlWriter(XmlWriter writer, DicomBulkDataOptions options)
{
    /// <summary>The namespace of the PS3.19 A.1.6 schema.</summary>
    public const string Namespace = "http://dicom.nema.org/PS3.19/models/NativeDICOM";

    private static readonly string[] GroupNames = ["Alphabetic", "Ideographic", "Phonetic"];
    private static readonly string[] ComponentNames = ["FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"];

    private readonly DicomElementPathBuilder _path = new();

    /// <summary>Writes the NativeDicomModel element for <paramref name="dataset"/>.</summary>
    public void WriteModel(DicomDataset dataset)
    {
        writer.WriteStartElement("NativeDicomModel", Namespace);
        writer.WriteAttributeString("xml", "space", null, "preserve");
        WriteAttributes(dataset);
        writer.WriteEndElement();
    }

    private void WriteAttributes(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            // PS3.19 A.1.1: group lengths are not included.
            if (!element.Tag.IsGroupLength)
            {
                WriteAttribute(dataset, element);
            }
        }
    }

    private void WriteAttribute(DicomDataset dataset, DicomElement element)
    {
        var tag = element.Tag;
        writer.WriteStartElement("DicomAttribute", Namespace);
        // A private data element is identified by its creator; its tag leaves out the block (gggg00ee).
        var creator = dataset.GetPrivateCreator(tag);
        writer.WriteAttributeString("tag", (creator is null ? tag : new DicomTag(tag.Group, (ushort)(tag.Element & 0xFF))).ToJsonKey());
        writer.WriteAttributeString("vr", element.VR.Code());
        if ((creator is null ? tag.Keyword : dataset.FindEntry(tag)?.Keyword) is { } keyword)
        {
            writer.WriteAttributeString("keyword", keyword);
        }
        if (creator is not null)
        {
            writer.WriteAttributeString("privateCreator", creator);
        }
        try
        {
            WriteContent(element);
        }
        catch (ArgumentException e)
        {
            throw DicomElementBuilder.Error(tag, $"the value cannot be written as XML: {e.Message}");
        }
        writer.WriteEndElement();
    }

    private void WriteContent(DicomElement element)
    {
        if (element is DicomSequence sequence)
        {
            _path.Enter(sequence.Tag);
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                _path.SetItem(i);
                writer.WriteStartElement("Item", Namespace);
                WriteNumber(i);
                WriteAttributes(sequence.Items[i]);
                writer.WriteEndElement();
            }
            _path.Leave();
        }
        else if (options.GetBulkDataUri(_path, element) is { } uri)
        {
            writer.WriteStartElement("BulkData", Namespace);
            writer.WriteAttributeString("uri", uri.OriginalString);
            writer.WriteEndElement();
        }
        else if (element is DicomFragmentSequence fragments)
        {
            WriteInlineBinary(DicomEncapsulation.Encode(fragments));
        }
        else if (element is DicomValueElement value && value.Length > 0)
        {
            if (value.VR.IsBulk())
            {
                WriteInlineBinary(value.Buffer.Memory);
            }
            else if (value.VR == DicomVR.PN)
            {
                WritePersonNames(value.GetStrings());
            }
            else if (value.VR.IsString())
            {
                var values = value.GetStrings();
                for (var i = 0; i < values.Length; i++)
                {
                    WriteValue(i, values[i]);
                }
            }
            else
            {
                WriteNumbers(value.Buffer.Memory.Span, value.VR);
            }
        }
    }

    private void WriteNumbers(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        var i = 0;
        switch (vr)
        {
            case DicomVR.US:
                foreach (var v in MemoryMarshal.Cast<byte, ushort>(bytes))
                {
                    WriteValue(i++, XmlConvert.ToString(v));
                }
                break;
            case DicomVR.SS:
                foreach (var v in MemoryMarshal.Cast<byte, short>(bytes))
                {
                    WriteValue(i++, XmlConvert.ToString(v));
                }
                break;
            case DicomVR.UL:
                foreach (var v in MemoryMarshal.Cast<byte, uint>(bytes))
                {
                    WriteValue(i++, XmlConvert.ToString(v));
                }
                break;
            case DicomVR.SL:
                foreach (var v in MemoryMarshal.Cast<byte, int>(bytes))
                {
                    WriteValue(i++, XmlConvert.ToString(v));
                }
                break;
            case DicomVR.SV:
                foreach (var v in MemoryMarshal.Cast<byte, long>(bytes))
                {
                    WriteValue(i++, XmlConvert.ToString(v));
                }
                break;
            case DicomVR.UV:
                foreach (var v in MemoryMarshal.Cast<byte, ulong>(bytes))
                {
                    WriteValue(i++, XmlConvert.ToString(v));
                }
                break;
            // xsd:float and xsd:double spell the non-finite values NaN, INF and -INF.
            case DicomVR.FL:
                foreach (var v in MemoryMarshal.Cast<byte, float>(bytes))
                {
                    WriteValue(i++, XmlConvert.ToString(v));
                }
                break;
            case DicomVR.FD:
                foreach (var v in MemoryMarshal.Cast<byte, double>(bytes))
                {
                    WriteValue(i++, XmlConvert.ToString(v));
                }
                break;
            case DicomVR.AT:
                foreach (var v in MemoryMarshal.Cast<byte, uint>(bytes))
                {
                    WriteValue(i++, (v << 16 | v >> 16).ToString("X8", CultureInfo.InvariantCulture));
                }
                break;
        }
    }

    private void WriteValue(int index, string value)
    {
        writer.WriteStartElement("Value", Namespace);
        WriteNumber(index);
        writer.WriteString(value);
        writer.WriteEndElement();
    }

    private void WritePersonNames(string[] names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            writer.WriteStartElement("PersonName", Namespace);
            WriteNumber(i);
            // A fourth group (invalid) stays in the third, and a sixth component in the fifth, rather than being lost.
            var groups = names[i].Split('=', GroupNames.Length);
            for (var g = 0; g < groups.Length; g++)
            {
                if (groups[g].Length == 0)
                {
                    continue;
                }
                writer.WriteStartElement(GroupNames[g], Namespace);
                var components = groups[g].Split('^', ComponentNames.Length);
                for (var c = 0; c < components.Length; c++)
                {
                    if (components[c].Length > 0)
                    {
                        writer.WriteElementString(ComponentNames[c], Namespace, components[c]);
                    }
                }
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }
    }

    private void WriteInlineBinary(ReadOnlyMemory<byte> bytes)
    {
        writer.WriteStartElement("InlineBinary", Namespace);
        var array = MemoryMarshal.TryGetArray(bytes, out var segment) ? segment : new ArraySegment<byte>(bytes.ToArray());
        writer.WriteBase64(array.Array!, array.Offset, array.Count);
        writer.WriteEndElement();
    }

    private void WriteNumber(int index) => writer.WriteAttributeString("number", XmlConvert.ToString(index + 1));
}
