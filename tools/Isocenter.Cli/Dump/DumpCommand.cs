using System.Globalization;
using System.Text;
using Isocenter.Dicom;

namespace Isocenter.Cli.Dump;

/// <summary>`isocenter dump FILE…`: prints file meta and dataset in DCMTK's dcmdump layout.</summary>
internal static class DumpCommand
{
    private const int MaxShownValue = 64;

    public static int Run(IReadOnlyList<string> files, TextWriter output)
    {
        foreach (var path in files)
        {
            var file = DicomFile.Open(path);
            output.WriteLine("# Dicom-File-Format");
            output.WriteLine();
            output.WriteLine("# Dicom-Meta-Information-Header");
            output.WriteLine("# Used TransferSyntax: Little Endian Explicit");
            Write(file.FileMetaInformation, output, 0);
            output.WriteLine();
            output.WriteLine("# Dicom-Data-Set");
            output.WriteLine($"# Used TransferSyntax: {file.TransferSyntax.Name}");
            Write(file.Dataset, output, 0);
            foreach (var warning in file.Warnings)
            {
                Console.Error.WriteLine($"W: {path}: {warning}");
            }
        }
        return 0;
    }

    /// <summary>Writes one line per element, items and sequences indented by two spaces per level.</summary>
    public static void Write(DicomDataset dataset, TextWriter output, int depth)
    {
        var indent = new string(' ', depth * 2);
        foreach (var element in dataset)
        {
            var name = dataset.FindEntry(element.Tag)?.Keyword ?? "Unknown Tag & Data";
            switch (element)
            {
                case DicomSequence sq:
                    Line(output, indent, element.Tag, "SQ", $"(Sequence with undefined length #={sq.Items.Count})", "u/l", 1, name);
                    foreach (var item in sq.Items)
                    {
                        Line(output, indent + "  ", DicomTag.Item, "na", $"(Item with undefined length #={item.Count})", "u/l", 1, "Item");
                        Write(item, output, depth + 2);
                        Line(output, indent + "  ", DicomTag.ItemDelimitationItem, "na", "(ItemDelimitationItem)", "0", 0, "ItemDelimitationItem");
                    }
                    Line(output, indent, DicomTag.SequenceDelimitationItem, "na", "(SequenceDelimitationItem)", "0", 0, "SequenceDelimitationItem");
                    break;
                case DicomFragmentSequence fragments:
                    Line(output, indent, element.Tag, element.VR.Code(), "(PixelSequence #=" + (fragments.Fragments.Count + 1) + ")", "u/l", 1, name);
                    foreach (var fragment in fragments.Fragments.Prepend(fragments.OffsetTable))
                    {
                        Line(output, indent + "  ", DicomTag.Item, "pi", fragment.Length == 0 ? "(no value available)" : "(fragment)", fragment.Length.ToString(CultureInfo.InvariantCulture), 1, "Item");
                    }
                    Line(output, indent, DicomTag.SequenceDelimitationItem, "na", "(SequenceDelimitationItem)", "0", 0, "SequenceDelimitationItem");
                    break;
                case DicomValueElement value:
                    Line(output, indent, element.Tag, element.VR.Code(), Show(value), value.Length.ToString(CultureInfo.InvariantCulture), value.Count, name);
                    break;
            }
        }
    }

    private static string Show(DicomValueElement value)
    {
        if (value.Length == 0)
        {
            return "(no value available)";
        }
        if (value.VR.IsBulk() && value.Length > MaxShownValue)
        {
            return $"({value.Length} bytes of binary data)";
        }
        string text;
        if (value.VR.IsString())
        {
            text = "[" + value.GetString() + "]";
        }
        else if (value.VR is DicomVR.OB or DicomVR.UN)
        {
            text = string.Join('\\', value.Buffer.Memory.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
        else if (value.VR == DicomVR.AT)
        {
            text = string.Join('\\', value.GetValues<DicomTag>().Select(t => t.ToString().ToLowerInvariant()));
        }
        else
        {
            text = string.Join('\\', value.GetStrings());
        }
        return text.Length > MaxShownValue ? text[..MaxShownValue] + "..." : text;
    }

    private static void Line(TextWriter output, string indent, DicomTag tag, string vr, string value, string length, int count, string name)
    {
        var head = new StringBuilder().Append(indent).Append(tag.ToString().ToLowerInvariant()).Append(' ').Append(vr).Append(' ').Append(value);
        if (head.Length < 56)
        {
            head.Append(' ', 56 - head.Length);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{head} # {length,3}, {count} {name}"));
    }
}
