using System.Text;
using Xunit.Sdk;

namespace Isocenter.Dicom.Tests.IO;

/// <summary>
/// Compares two datasets element by element (tag, VR, value bytes; text of character-set VRs as decoded strings;
/// sequences item by item; fragments byte by byte) and reports the first difference with its path, e.g.
/// "(0008,1140)[0].(0008,1155): value differs".
/// </summary>
internal static class DatasetAssert
{
    /// <summary>Asserts that <paramref name="actual"/> holds what <paramref name="expected"/> holds.</summary>
    /// <param name="expected">The dataset that was written.</param>
    /// <param name="actual">The dataset read back.</param>
    /// <param name="implicitVR">
    /// True when <paramref name="actual"/> was read from Implicit VR, which does not carry VRs: an element may then come
    /// back with a VR its dictionary entry allows (e.g. OW for OB pixel data), or as UN when it is private and its
    /// creator is not in the private dictionary, or is unknown to the dictionary; its bytes are compared then.
    /// </param>
    public static void Equal(DicomDataset expected, DicomDataset actual, bool implicitVR = false)
    {
        var difference = FirstDifference(expected, actual, implicitVR);
        if (difference is not null)
        {
            throw new XunitException($"Datasets differ at {difference}");
        }
    }

    /// <summary>The first difference as "path: what differs", or null when the datasets are equal.</summary>
    public static string? FirstDifference(DicomDataset expected, DicomDataset actual, bool implicitVR = false) =>
        Compare(expected, actual, implicitVR, "");

    private static string? Compare(DicomDataset expected, DicomDataset actual, bool implicitVR, string path)
    {
        // Group lengths are not compared: the writer drops them for groups above 0002 (PS3.5 7.2), by design.
        var left = expected.Where(e => !e.Tag.IsGroupLength).ToList();
        var right = actual.Where(e => !e.Tag.IsGroupLength).ToList();
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            if (j == right.Count || (i < left.Count && left[i].Tag < right[j].Tag))
            {
                return $"{path}{left[i].Tag}: missing ({left[i]})";
            }
            if (i == left.Count || right[j].Tag < left[i].Tag)
            {
                return $"{path}{right[j].Tag}: unexpected element ({right[j]})";
            }
            var difference = CompareElement(left[i], right[j], expected, implicitVR, $"{path}{left[i].Tag}");
            if (difference is not null)
            {
                return difference;
            }
            i++;
            j++;
        }
        return null;
    }

    private static string? CompareElement(DicomElement expected, DicomElement actual, DicomDataset expectedParent, bool implicitVR, string path)
    {
        switch (expected, actual)
        {
            case (DicomSequence e, DicomSequence a):
                if (e.Items.Count != a.Items.Count)
                {
                    return $"{path}: {e.Items.Count} item(s) expected, {a.Items.Count} found";
                }
                for (var k = 0; k < e.Items.Count; k++)
                {
                    var difference = Compare(e.Items[k], a.Items[k], implicitVR, $"{path}[{k}].");
                    if (difference is not null)
                    {
                        return difference;
                    }
                }
                return null;

            case (DicomFragmentSequence e, DicomFragmentSequence a):
                // The VR is not compared: the writer writes OB, the only VR PS3.5 A.4 allows, whatever the input said.
                if (e.Fragments.Count != a.Fragments.Count)
                {
                    return $"{path}: {e.Fragments.Count} fragment(s) expected, {a.Fragments.Count} found";
                }
                if (!SameBytes(e.OffsetTable.Memory.Span, a.OffsetTable.Memory.Span, 0))
                {
                    return $"{path}: basic offset table differs: {Show(e.OffsetTable)} expected, {Show(a.OffsetTable)} found";
                }
                for (var k = 0; k < e.Fragments.Count; k++)
                {
                    if (!SameBytes(e.Fragments[k].Memory.Span, a.Fragments[k].Memory.Span, 0))
                    {
                        return $"{path}: fragment {k} differs{FirstDifferingByte(e.Fragments[k], a.Fragments[k])}: {Show(e.Fragments[k])} expected, {Show(a.Fragments[k])} found";
                    }
                }
                return null;

            case (DicomValueElement e, DicomValueElement a):
                if (e.VR != a.VR && !(implicitVR && AcceptableImplicitVR(e, a, expectedParent)))
                {
                    return $"{path}: VR differs: {e.VR.Code()} expected, {a.VR.Code()} found";
                }
                if (e.VR == a.VR && e.VR.UsesCharacterSet())
                {
                    var (expectedText, actualText) = (e.GetString(), a.GetString());
                    return expectedText == actualText ? null : $"{path}: value differs: \"{expectedText}\" expected, \"{actualText}\" found";
                }
                return SameBytes(e.Buffer.Memory.Span, a.Buffer.Memory.Span, e.VR.PaddingByte())
                    ? null
                    : $"{path}: value differs{FirstDifferingByte(e.Buffer, a.Buffer)}: {Show(e.Buffer)} expected, {Show(a.Buffer)} found";

            default:
                return $"{path}: {Kind(expected)} expected, {Kind(actual)} found";
        }
    }

    // What Implicit VR can give back for an element written with another VR: a VR its dictionary entry allows, or UN.
    private static bool AcceptableImplicitVR(DicomValueElement expected, DicomValueElement actual, DicomDataset parent)
    {
        var entry = parent.FindEntry(expected.Tag);
        if (entry is null || entry.ValueRepresentations.Count == 0)
        {
            return actual.VR == DicomVR.UN;
        }
        return entry.ValueRepresentations.Contains(actual.VR);
    }

    /// <summary>
    /// Equal bytes, where an odd-length expected value may come back padded to even length (PS3.5 7.1.1: the writer pads
    /// with the VR's padding byte, or NUL for values that are not text).
    /// </summary>
    private static bool SameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, byte padding) =>
        expected.SequenceEqual(actual)
        || ((expected.Length & 1) == 1 && actual.Length == expected.Length + 1 && actual.StartsWith(expected)
            && (actual[^1] == padding || actual[^1] == 0));

    private static string FirstDifferingByte(DicomBuffer expected, DicomBuffer actual)
    {
        var at = expected.Memory.Span.CommonPrefixLength(actual.Memory.Span);
        return at < Math.Min(expected.Length, actual.Length) ? $" at byte {at}" : "";
    }

    private static string Kind(DicomElement element) => element switch
    {
        DicomSequence => "a sequence",
        DicomFragmentSequence => "encapsulated pixel data",
        _ => $"a {element.VR.Code()} value",
    };

    private static string Show(DicomBuffer buffer)
    {
        var bytes = buffer.Memory.Span;
        var shown = bytes[..Math.Min(bytes.Length, 24)];
        var text = new StringBuilder().Append(bytes.Length).Append(" bytes [").Append(Convert.ToHexString(shown));
        return text.Append(bytes.Length > shown.Length ? "...]" : "]").ToString();
    }
}
