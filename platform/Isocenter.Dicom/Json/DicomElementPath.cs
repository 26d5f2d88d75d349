using System.Globalization;
using System.Text;

namespace Isocenter.Dicom.Json;

/// <summary>Where an element lies in a dataset: the sequences and item indexes (from 0) that lead to it, then its own tag.</summary>
public sealed class DicomElementPath
{
    internal DicomElementPath(DicomTag[] sequences, int[] items, DicomTag tag)
    {
        Sequences = sequences;
        Items = items;
        Tag = tag;
    }

    /// <summary>The enclosing sequences, outermost first; empty for a top-level element.</summary>
    public IReadOnlyList<DicomTag> Sequences { get; }

    /// <summary>The item index within each of <see cref="Sequences"/>.</summary>
    public IReadOnlyList<int> Items { get; }

    /// <summary>The element's own tag.</summary>
    public DicomTag Tag { get; }

    /// <summary>The path as "ggggeeee/item/ggggeeee", e.g. "00081115/0/7FE00010"; usable as a URI segment.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Sequences.Count; i++)
        {
            text.Append(Sequences[i].ToJsonKey()).Append('/').Append(Items[i].ToString(CultureInfo.InvariantCulture)).Append('/');
        }
        return text.Append(Tag.ToJsonKey()).ToString();
    }
}

/// <summary>The path of sequences and items a writer is in, turned into a <see cref="DicomElementPath"/> only when asked.</summary>
internal sealed class DicomElementPathBuilder
{
    private DicomTag[] _sequences = new DicomTag[8];
    private int[] _items = new int[8];
    private int _depth;

    public void Enter(DicomTag sequence)
    {
        if (_depth == _sequences.Length)
        {
            Array.Resize(ref _sequences, _depth * 2);
            Array.Resize(ref _items, _depth * 2);
        }
        _sequences[_depth++] = sequence;
    }

    public void SetItem(int index) => _items[_depth - 1] = index;

    public void Leave() => _depth--;

    public DicomElementPath ToPath(DicomTag tag) => new(_sequences[.._depth], _items[.._depth], tag);
}
