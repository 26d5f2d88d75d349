using System.Text;
using System.Xml.Linq;
using Isocenter.Dicom.Json;
using Isocenter.Dicom.Xml;

namespace Isocenter.Dicom.Tests.Xml;

/// <summary>The Native DICOM Model (PS3.19 A.1), checked by hand against its structure: no schema file is available.</summary>
public class DicomXmlTests
{
    private static readonly XNamespace Ns = "http://dicom.nema.org/PS3.19/models/NativeDICOM";

    private static XElement Root(DicomDataset dataset, DicomXmlOptions? options = null) => XDocument.Parse(DicomXml.Serialize(dataset, options)).Root!;

    private static XElement Attribute(DicomDataset dataset, string tag) =>
        Root(dataset).Elements(Ns + "DicomAttribute").Single(a => (string?)a.Attribute("tag") == tag);

    private static DicomDataset Read(string attributes) =>
        DicomXml.Deserialize($"""<NativeDicomModel xmlns="{Ns}" xml:space="preserve">{attributes}</NativeDicomModel>""");

    // PS3.19 A.1.5: a NativeDicomModel root with xml:space="preserve"; the A.1.6 schema's namespace.
    [Fact]
    public void Serialize_Dataset_WritesNativeDicomModelDocument()
    {
        var xml = DicomXml.Serialize(new DicomDataset().Set(DicomTag.PatientID, "P"));

        var document = XDocument.Parse(xml);

        Assert.StartsWith("""<?xml version="1.0" encoding="utf-8"?>""", xml, StringComparison.Ordinal);
        Assert.Equal(Ns + "NativeDicomModel", document.Root!.Name);
        Assert.Equal("preserve", (string?)document.Root.Attribute(XNamespace.Xml + "space"));
        Assert.Equal([Ns + "DicomAttribute"], document.Root.Elements().Select(e => e.Name));
    }

    // PS3.19 A.1.5: tag is 8 upper-case hex digits, vr and keyword are given, no privateCreator for standard elements.
    [Fact]
    public void Serialize_Attribute_WritesTagVRAndKeyword()
    {
        var attribute = Attribute(new DicomDataset().Set(DicomTag.StudyInstanceUID, "1.2.3"), "0020000D");

        Assert.Equal("UI", (string?)attribute.Attribute("vr"));
        Assert.Equal("StudyInstanceUID", (string?)attribute.Attribute("keyword"));
        Assert.Null(attribute.Attribute("privateCreator"));
        var value = Assert.Single(attribute.Elements());
        Assert.Equal(Ns + "Value", value.Name);
        Assert.Equal("1", (string?)value.Attribute("number"));
        Assert.Equal("1.2.3", value.Value);
    }

    // PS3.19 A.1.5: one Value per value, numbered from 1; an empty value is an empty Value; a zero-length element has none.
    [Fact]
    public void Serialize_MultiValueWithEmptyEntry_WritesNumberedValues()
    {
        var dataset = new DicomDataset().Set(DicomTag.ImageType, "ORIGINAL", "PRIMARY", "", "AXIAL").Set(DicomTag.PatientID, DicomVR.LO);

        var values = Attribute(dataset, "00080008").Elements(Ns + "Value").ToList();

        Assert.Equal(["1", "2", "3", "4"], values.Select(v => (string?)v.Attribute("number")));
        Assert.Equal(["ORIGINAL", "PRIMARY", "", "AXIAL"], values.Select(v => v.Value));
        Assert.Empty(Attribute(dataset, "00100020").Elements());
        Assert.Equal(["ORIGINAL", "PRIMARY", "", "AXIAL"], DicomXml.Deserialize(DicomXml.Serialize(dataset)).GetStrings(DicomTag.ImageType));
    }

    // PS3.19 A.1.5: PersonName holds Alphabetic, Ideographic and Phonetic groups of FamilyName ... NameSuffix components.
    [Fact]
    public void Serialize_PersonNameWithGroups_WritesComponents()
    {
        var dataset = new DicomDataset()
            .Set(DicomTag.PatientName, "Yamada^Tarou=山田^太郎=やまだ^たろう")
            .Set(DicomTag.ReferringPhysicianName, "^Bob^^Dr.");

        var name = Assert.Single(Attribute(dataset, "00100010").Elements());
        var physician = Assert.Single(Attribute(dataset, "00080090").Elements());

        Assert.Equal(Ns + "PersonName", name.Name);
        Assert.Equal("1", (string?)name.Attribute("number"));
        Assert.Equal([Ns + "Alphabetic", Ns + "Ideographic", Ns + "Phonetic"], name.Elements().Select(e => e.Name));
        Assert.Equal("Yamada", name.Element(Ns + "Alphabetic")!.Element(Ns + "FamilyName")!.Value);
        Assert.Equal("太郎", name.Element(Ns + "Ideographic")!.Element(Ns + "GivenName")!.Value);
        Assert.Equal("やまだ", name.Element(Ns + "Phonetic")!.Element(Ns + "FamilyName")!.Value);
        var bob = Assert.Single(physician.Elements());
        Assert.Equal([Ns + "GivenName", Ns + "NamePrefix"], bob.Elements().Select(e => e.Name));
        Assert.Equal(["Bob", "Dr."], bob.Elements().Select(e => e.Value));
        var read = DicomXml.Deserialize(DicomXml.Serialize(dataset));
        Assert.Equal("Yamada^Tarou=山田^太郎=やまだ^たろう", read.GetString(DicomTag.PatientName));
        Assert.Equal("^Bob^^Dr.", read.GetString(DicomTag.ReferringPhysicianName));
    }

    [Fact]
    public void Serialize_MultiValuedPersonName_WritesNumberedNamesAndEmptyOne()
    {
        var dataset = new DicomDataset().Set(DicomTag.PerformingPhysicianName, "Doe^John", "", "Roe");

        var names = Attribute(dataset, "00081050").Elements(Ns + "PersonName").ToList();

        Assert.Equal(["1", "2", "3"], names.Select(n => (string?)n.Attribute("number")));
        Assert.Empty(names[1].Elements());
        Assert.Equal(["Doe^John", "", "Roe"], DicomXml.Deserialize(DicomXml.Serialize(dataset)).GetStrings(DicomTag.PerformingPhysicianName));
    }

    // PS3.19 A.1.5: sequence items are numbered Item elements holding DicomAttributes; an empty item is an empty Item.
    [Fact]
    public void Serialize_NestedSequences_WritesNumberedItems()
    {
        var image = new DicomDataset().Set(DicomTag.ReferencedSOPInstanceUID, "1.2.3");
        var dataset = new DicomDataset().Set(DicomTag.ReferencedSeriesSequence,
            new DicomDataset().Set(DicomTag.ReferencedImageSequence, image), new DicomDataset());

        var items = Attribute(dataset, "00081115").Elements().ToList();

        Assert.Equal([Ns + "Item", Ns + "Item"], items.Select(i => i.Name));
        Assert.Equal(["1", "2"], items.Select(i => (string?)i.Attribute("number")));
        Assert.Empty(items[1].Elements());
        var inner = items[0].Element(Ns + "DicomAttribute")!;
        Assert.Equal("00081140", (string?)inner.Attribute("tag"));
        Assert.Equal("SQ", (string?)inner.Attribute("vr"));
        Assert.Equal("1.2.3", inner.Element(Ns + "Item")!.Element(Ns + "DicomAttribute")!.Element(Ns + "Value")!.Value);
    }

    // PS3.19 A.1.5: a private data element's tag is gggg00ee and its block is named by privateCreator.
    [Fact]
    public void Serialize_PrivateElement_WritesCreatorAndBlocklessTag()
    {
        var dataset = new DicomDataset()
            .Set(new DicomTag(0x0009, 0x0010), DicomVR.LO, "OTHER")
            .Set(new DicomTag(0x0009, 0x0011), DicomVR.LO, "ISOCENTER")
            .Set<ushort>(new DicomTag(0x0009, 0x1105), DicomVR.US, 7)
            .Set(new DicomTag(0x0009, 0x1110), DicomVR.LO, "looks like a creator tag");

        var attributes = Root(dataset).Elements(Ns + "DicomAttribute").ToList();

        Assert.Equal(["00090010", "00090011", "00090005", "00090010"], attributes.Select(a => (string?)a.Attribute("tag")));
        Assert.Equal([null, null, "ISOCENTER", "ISOCENTER"], attributes.Select(a => (string?)a.Attribute("privateCreator")));
        Assert.Equal("US", (string?)attributes[2].Attribute("vr"));
        var read = DicomXml.Deserialize(DicomXml.Serialize(dataset));
        Assert.Equal(DicomJson.Serialize(dataset), DicomJson.Serialize(read));
    }

    [Fact]
    public void Deserialize_PrivateElementWithoutCreatorElement_ReservesBlock()
    {
        var dataset = Read("""
            <DicomAttribute tag="00190010" vr="LO"><Value number="1">TAKEN</Value></DicomAttribute>
            <DicomAttribute tag="00190002" vr="SH" privateCreator="ISOCENTER"><Value number="1">x</Value></DicomAttribute>
            """);

        Assert.Equal("ISOCENTER", dataset.GetString(new DicomTag(0x0019, 0x0011)));
        Assert.Equal("x", dataset.GetString(new DicomTag(0x0019, 0x1102)));
    }

    [Fact]
    public void Deserialize_PrivateElementWithFullTag_KeepsItsBlock()
    {
        var dataset = Read("""
            <DicomAttribute tag="00190012" vr="LO"><Value number="1">ISOCENTER</Value></DicomAttribute>
            <DicomAttribute tag="00191202" vr="SH" privateCreator="ISOCENTER"><Value number="1">x</Value></DicomAttribute>
            """);

        Assert.Equal("x", dataset.GetString(new DicomTag(0x0019, 0x1202)));
        Assert.Equal(2, dataset.Count);
    }

    [Fact]
    public void Serialize_BinaryNumbers_WritesXmlSchemaNumbers()
    {
        var dataset = new DicomDataset()
            .Set<ushort>(DicomTag.Rows, DicomVR.US, 0, 65535)
            .Set<short>(DicomTag.SmallestImagePixelValue, DicomVR.SS, -5)
            .Set<float>(DicomTag.SelectorFLValue, 0.1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity)
            .Set<double>(DicomTag.SelectorFDValue, 1000.5, 1e300)
            .Set<long>(DicomTag.SelectorSVValue, long.MinValue)
            .Set<ulong>(DicomTag.SelectorUVValue, ulong.MaxValue)
            .Add(DicomValueElement.FromTags(DicomTag.FrameIncrementPointer, DicomTag.FrameTime));

        string[] Values(string tag) => [.. Attribute(dataset, tag).Elements(Ns + "Value").Select(v => v.Value)];

        Assert.Equal(["0", "65535"], Values("00280010"));
        Assert.Equal(["-5"], Values("00280106"));
        Assert.Equal(["0.1", "NaN", "INF", "-INF"], Values("00720076"));
        Assert.Equal(["1000.5", "1E+300"], Values("00720074"));
        Assert.Equal(["-9223372036854775808"], Values("00720082"));
        Assert.Equal(["18446744073709551615"], Values("00720083"));
        Assert.Equal(["00181063"], Values("00280009"));
        var read = DicomXml.Deserialize(DicomXml.Serialize(dataset));
        Assert.Equal([0.1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity], read.GetValues<float>(DicomTag.SelectorFLValue));
        Assert.Equal([ulong.MaxValue], read.GetValues<ulong>(DicomTag.SelectorUVValue));
    }

    // PS3.19 A.1.5: OB and friends are InlineBinary, or a BulkData reference with a uri.
    [Fact]
    public void Serialize_BulkData_WritesInlineBinaryOrBulkDataUri()
    {
        var dataset = new DicomDataset()
            .Set<byte>(DicomTag.EncapsulatedDocument, DicomVR.OB, new byte[2048])
            .Set<ushort>(DicomTag.RedPaletteColorLookupTableData, DicomVR.OW, 1, 2);
        var options = new DicomXmlOptions { BulkDataUriProvider = (path, _) => new Uri($"https://pacs.example/bulk/{path}") };

        var bulk = Attribute(dataset, "00420011");
        var small = Root(dataset, options).Elements(Ns + "DicomAttribute").Single(a => (string?)a.Attribute("tag") == "00281201");
        var reference = Root(dataset, options).Elements(Ns + "DicomAttribute").Single(a => (string?)a.Attribute("tag") == "00420011");

        Assert.Equal(Convert.ToBase64String(new byte[2048]), bulk.Element(Ns + "InlineBinary")!.Value);
        Assert.Equal("AQACAA==", small.Element(Ns + "InlineBinary")!.Value);
        Assert.Equal("https://pacs.example/bulk/00420011", (string?)reference.Element(Ns + "BulkData")!.Attribute("uri"));
    }

    [Fact]
    public void Serialize_EncapsulatedPixelData_WritesItemsInline()
    {
        var dataset = new DicomDataset().Add(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, DicomBuffer.Empty,
            DicomBuffer.FromBytes(new byte[] { 1, 2, 3, 4 })));

        var read = DicomXml.Deserialize(DicomXml.Serialize(dataset));

        var fragments = Assert.IsType<DicomFragmentSequence>(read[DicomTag.PixelData]);
        Assert.Equal([1, 2, 3, 4], Assert.Single(fragments.Fragments).Memory.ToArray());
    }

    [Fact]
    public void Deserialize_BulkData_KeepsUriOrUuidOrResolves()
    {
        const string attributes = """
            <DicomAttribute tag="7FE00010" vr="OB"><BulkData uri="https://pacs.example/frames/1"/></DicomAttribute>
            <DicomAttribute tag="00281201" vr="OW"><BulkData uuid="5f1e2c3a-0000-4000-8000-000000000001"/></DicomAttribute>
            """;

        var dataset = Read(attributes);
        var resolved = DicomXml.Deserialize($"""<NativeDicomModel>{attributes}</NativeDicomModel>""",
            new DicomXmlOptions { BulkDataResolver = _ => DicomBuffer.FromBytes(new byte[] { 9, 9 }) });

        Assert.Equal("https://pacs.example/frames/1", Assert.IsType<DicomBulkDataUriBuffer>(dataset.GetElement(DicomTag.PixelData).Buffer).Uri.OriginalString);
        Assert.Equal("urn:uuid:5f1e2c3a-0000-4000-8000-000000000001",
            Assert.IsType<DicomBulkDataUriBuffer>(dataset.GetElement(DicomTag.RedPaletteColorLookupTableData).Buffer).Uri.OriginalString);
        Assert.Equal([9, 9], resolved.GetElement(DicomTag.PixelData).Buffer.Memory.ToArray());
        Assert.Contains("""<BulkData uri="https://pacs.example/frames/1" />""", DicomXml.Serialize(dataset), StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_EmptyAttributes_ReadsEmptyElements()
    {
        var dataset = Read("""
            <DicomAttribute tag="00640009" vr="OF"/>
            <DicomAttribute tag="00280010" vr="US"></DicomAttribute>
            <DicomAttribute tag="00081115" vr="SQ"/>
            """);

        Assert.Equal(0, dataset.GetElement(DicomTag.VectorGridData).Length);
        Assert.Equal(0, dataset.GetElement(DicomTag.Rows).Length);
        Assert.Empty(dataset.GetSequence(DicomTag.ReferencedSeriesSequence)!.Items);
    }

    // Every element of pydicom's Part 10 test files survives dataset -> XML -> dataset, compared as JSON.
    [PydicomFact]
    public void RoundTrip_PydicomTestFiles_ThroughXmlGivesTheSameJson()
    {
        foreach (var (name, dataset) in Pydicom.Datasets())
        {
            // Its names are "^^^^": PS3.19 components cannot tell that from an empty name, which is what reads back.
            if (name == "image_dfl.dcm")
            {
                continue;
            }
            Assert.True(DicomJson.Serialize(dataset) == DicomJson.Serialize(DicomXml.Deserialize(DicomXml.Serialize(dataset))), $"{name} changed in the round trip");
        }
    }

    // PS3.19 A.1.5 makes vr optional: the dictionary supplies it, and UN when the tag is unknown.
    [Fact]
    public void Deserialize_MissingVR_UsesDictionaryOrUN()
    {
        var dataset = Read("""
            <DicomAttribute tag="00280010"><Value number="1">512</Value></DicomAttribute>
            <DicomAttribute tag="00111001"><InlineBinary>AQI=</InlineBinary></DicomAttribute>
            """);

        Assert.Equal(DicomVR.US, dataset[DicomTag.Rows]!.VR);
        Assert.Equal(512, dataset.GetValue<int>(DicomTag.Rows));
        Assert.Equal(DicomVR.UN, dataset[new DicomTag(0x0011, 0x1001)]!.VR);
    }

    // The number attribute, not document order, gives a value's position.
    [Fact]
    public void Deserialize_ValuesOutOfOrder_UsesNumber()
    {
        var dataset = Read("""
            <DicomAttribute tag="00080008" vr="CS"><Value number="2">B</Value><Value number="1">A</Value><Value number="3"/></DicomAttribute>
            """);

        Assert.Equal(["A", "B", ""], dataset.GetStrings(DicomTag.ImageType));
    }

    // xml:space="preserve": indentation is ignored between elements but kept inside values.
    [Fact]
    public void Deserialize_IndentedDocument_KeepsSignificantSpaces()
    {
        var dataset = DicomXml.Deserialize("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <NativeDicomModel xml:space="preserve">
              <DicomAttribute tag="00204000" vr="LT" keyword="ImageComments">
                <Value number="1">  indented text</Value>
              </DicomAttribute>
              <DicomAttribute tag="00100010" vr="PN">
                <PersonName number="1">
                  <Alphabetic>
                    <FamilyName>Doe</FamilyName>
                    <GivenName>John</GivenName>
                  </Alphabetic>
                </PersonName>
              </DicomAttribute>
            </NativeDicomModel>
            """);

        Assert.Equal("  indented text", dataset.GetString(DicomTag.ImageComments));
        Assert.Equal("Doe^John", dataset.GetString(DicomTag.PatientName));
    }

    [Theory]
    [InlineData("", "Native DICOM Model XML is malformed")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\">", "Native DICOM Model XML")]
    [InlineData("<Other/>", "the root element is <Other>")]
    [InlineData("""<!DOCTYPE x [<!ENTITY e "boom">]><NativeDicomModel/>""", "DTD")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="0010001" vr="PN"/></NativeDicomModel>""", "tag '0010001' is not 8 hexadecimal digits")]
    [InlineData("""<NativeDicomModel><DicomAttribute vr="PN"/></NativeDicomModel>""", "tag '' is not 8 hexadecimal digits")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="00100010" vr="XX"/></NativeDicomModel>""", "(0010,0010) PatientName: 'XX' is not a DICOM value representation")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="00280010" vr="US"><Value number="1">abc</Value></DicomAttribute></NativeDicomModel>""", "(0028,0010) Rows: 'abc' is not an integer (US)")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="00280010" vr="US"><Value number="1">70000</Value></DicomAttribute></NativeDicomModel>""", "(0028,0010) Rows: 70000 is out of range for US")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="7FE00010" vr="OB"><InlineBinary>***</InlineBinary></DicomAttribute></NativeDicomModel>""", "(7FE0,0010) PixelData: InlineBinary is not base64")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="7FE00010" vr="OB"><BulkData/></DicomAttribute></NativeDicomModel>""", "(7FE0,0010) PixelData: BulkData needs a uri or uuid")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="00100020" vr="LO"><Value number="1"><b/></Value></DicomAttribute></NativeDicomModel>""", "malformed in (0010,0020) PatientID")]
    public void Deserialize_MalformedXml_ThrowsDicomDataException(string xml, string expected)
    {
        var error = Assert.Throws<DicomDataException>(() => DicomXml.Deserialize(xml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_DeeplyNestedSequences_ThrowsInsteadOfOverflowing()
    {
        var xml = new StringBuilder("<NativeDicomModel>");
        for (var i = 0; i < 200; i++)
        {
            xml.Append("""<DicomAttribute tag="00081115" vr="SQ"><Item number="1">""");
        }
        for (var i = 0; i < 200; i++)
        {
            xml.Append("</Item></DicomAttribute>");
        }

        var error = Assert.Throws<DicomDataException>(() => DicomXml.Deserialize(xml.Append("</NativeDicomModel>").ToString()));

        Assert.Contains("nested more than 128 deep", error.Message, StringComparison.Ordinal);
    }

    // XML 1.0 cannot carry most control characters: writing refuses them, naming the element.
    [Fact]
    public void Serialize_ControlCharacterInText_ThrowsDicomDataException()
    {
        var dataset = new DicomDataset().Set(DicomTag.PatientID, "A\u0001B");

        var error = Assert.Throws<DicomDataException>(() => DicomXml.Serialize(dataset));

        Assert.Contains("(0010,0020) PatientID", error.Message, StringComparison.Ordinal);
    }

    // Every VR: XML -> dataset -> XML gives the same text.
    [Fact]
    public void RoundTrip_EveryVR_XmlDatasetXml()
    {
        var xml = DicomXml.Serialize(DicomSamples.EveryVR(), new DicomXmlOptions { WriteIndented = true });

        var read = DicomXml.Deserialize(xml);

        Assert.Equal(xml, DicomXml.Serialize(read, new DicomXmlOptions { WriteIndented = true }));
    }

    // PS3.18 F.3.1: the Native DICOM Model and DICOM JSON carry the same data.
    [Fact]
    public void RoundTrip_ThroughXml_GivesTheSameJson()
    {
        var dataset = DicomSamples.EveryVR();

        var read = DicomXml.Deserialize(DicomXml.Serialize(dataset));

        Assert.Equal(DicomJson.Serialize(dataset), DicomJson.Serialize(read));
    }

    [Fact]
    public void Serialize_Stream_RoundTrips()
    {
        var dataset = DicomSamples.EveryVR();
        using var stream = new MemoryStream();
        DicomXml.Serialize(dataset, stream);
        stream.Position = 0;

        Assert.Equal(DicomXml.Serialize(dataset), DicomXml.Serialize(DicomXml.Deserialize(stream)));
    }
}
