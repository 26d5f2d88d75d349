using System.Collections;
using System.Globalization;
using Isocenter.Dicom.Text;

namespace Isocenter.Dicom;

/// <summary>A DICOM dataset: data elements kept in ascending tag order, with typed access to their values.</summary>
public sealed class DicomDataset : IEnumerable<DicomElement>
{
    private readonly List<DicomElement> _elements;

    /// <summary>Creates an empty dataset.</summary>
    public DicomDataset() => _elements = [];

    /// <summary>Creates a dataset holding <paramref name="elements"/> (in any order).</summary>
    public DicomDataset(IEnumerable<DicomElement> elements) : this()
    {
        foreach (var element in elements)
        {
            Add(element);
        }
    }

    /// <summary>Number of elements at this level.</summary>
    public int Count => _elements.Count;

    /// <summary>The element with <paramref name="tag"/>, or null.</summary>
    public DicomElement? this[DicomTag tag]
    {
        get
        {
            var i = IndexOf(tag);
            return i >= 0 ? _elements[i] : null;
        }
    }

    /// <summary>True when an element with <paramref name="tag"/> is present.</summary>
    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    /// <summary>Adds an element, replacing any element with the same tag; returns this dataset.</summary>
    public DicomDataset Add(DicomElement element)
    {
        // Parsers add in ascending order: append without searching.
        if (_elements.Count == 0 || _elements[^1].Tag < element.Tag)
        {
            _elements.Add(element);
            return this;
        }
        var i = IndexOf(element.Tag);
        if (i >= 0)
        {
            _elements[i] = element;
        }
        else
        {
            _elements.Insert(~i, element);
        }
        return this;
    }

    /// <summary>Removes the element with <paramref name="tag"/>; false if there was none.</summary>
    public bool Remove(DicomTag tag)
    {
        var i = IndexOf(tag);
        if (i < 0)
        {
            return false;
        }
        _elements.RemoveAt(i);
        return true;
    }

    /// <summary>Removes every element for which <paramref name="predicate"/> is true.</summary>
    public int RemoveAll(Predicate<DicomElement> predicate) => _elements.RemoveAll(predicate);

    /// <summary>Removes all elements.</summary>
    public void Clear() => _elements.Clear();

    /// <summary>The character set declared by this dataset's own Specific Character Set (0008,0005), or null if absent.</summary>
    public DicomCharacterSet? CharacterSet => this[DicomTag.SpecificCharacterSet] is DicomValueElement e
        ? DicomCharacterSet.FromSpecificCharacterSet(e.GetStrings())
        : null;

    /// <summary>The value element with <paramref name="tag"/>; throws if absent or not a value.</summary>
    public DicomValueElement GetElement(DicomTag tag) => this[tag] as DicomValueElement
        ?? throw new DicomDataException($"{tag} {tag.Keyword} is not in the dataset.");

    /// <summary>The whole value of <paramref name="tag"/> as text, or null when absent.</summary>
    public string? GetString(DicomTag tag) => (this[tag] as DicomValueElement)?.GetString();

    /// <summary>The values of <paramref name="tag"/> as text; empty when absent.</summary>
    public string[] GetStrings(DicomTag tag) => (this[tag] as DicomValueElement)?.GetStrings() ?? [];

    /// <summary>Value <paramref name="index"/> of <paramref name="tag"/> as <typeparamref name="T"/>; throws when absent (see <see cref="DicomValueElement.GetValues{T}"/>).</summary>
    public T GetValue<T>(DicomTag tag, int index = 0) => GetElement(tag).GetValue<T>(index);

    /// <summary>Value <paramref name="index"/> of <paramref name="tag"/>, or false when absent, empty or not convertible.</summary>
    public bool TryGetValue<T>(DicomTag tag, out T value, int index = 0)
    {
        value = default!;
        if (this[tag] is not DicomValueElement e)
        {
            return false;
        }
        try
        {
            var values = e.GetValues<T>();
            if (index >= values.Length)
            {
                return false;
            }
            value = values[index];
            return true;
        }
        catch (DicomDataException)
        {
            return false;
        }
    }

    /// <summary>All values of <paramref name="tag"/> as <typeparamref name="T"/>; empty when absent.</summary>
    public T[] GetValues<T>(DicomTag tag) => (this[tag] as DicomValueElement)?.GetValues<T>() ?? [];

    /// <summary>The sequence with <paramref name="tag"/>, or null.</summary>
    public DicomSequence? GetSequence(DicomTag tag) => this[tag] as DicomSequence;

    /// <summary>Sets text values with the dictionary's VR (see <see cref="Set(DicomTag, DicomVR, string[])"/> for private tags).</summary>
    public DicomDataset Set(DicomTag tag, params string[] values) => Set(tag, DictionaryVR(tag), values);

    /// <summary>Sets values given as text; numbers in binary VRs and AT are parsed.</summary>
    public DicomDataset Set(DicomTag tag, DicomVR vr, params string[] values) => Add(DicomValueElement.FromStrings(tag, vr, values));

    /// <summary>Sets numeric values with the dictionary's VR (IS and DS are formatted as text).</summary>
    public DicomDataset Set<T>(DicomTag tag, params ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.INumberBase<T> => Set(tag, DictionaryVR(tag), values);

    /// <summary>Sets numeric values with an explicit VR.</summary>
    public DicomDataset Set<T>(DicomTag tag, DicomVR vr, params ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.INumberBase<T> => Add(DicomValueElement.FromValues(tag, vr, values));

    /// <summary>Sets a sequence of items.</summary>
    public DicomDataset Set(DicomTag tag, params DicomDataset[] items) => Add(new DicomSequence(tag, items));

    /// <summary>
    /// The tag of private element <paramref name="element"/> (0x00-0xFF) of <paramref name="creator"/> in odd <paramref name="group"/>,
    /// reserving a block (adding the creator element) when <paramref name="reserve"/> is true; null when not reserved.
    /// </summary>
    public DicomTag? GetPrivateTag(ushort group, string creator, byte element, bool reserve = true)
    {
        if ((group & 1) == 0 || group <= 0x0008)
        {
            throw new DicomDataException($"Group {group:X4} is not a private group: private groups are odd and above 0008.");
        }
        for (ushort block = 0x10; block <= 0xFF; block++)
        {
            var creatorTag = new DicomTag(group, block);
            var existing = GetString(creatorTag);
            if (existing is null)
            {
                if (!reserve)
                {
                    continue;
                }
                Set(creatorTag, DicomVR.LO, creator);
                return new DicomTag(group, (ushort)(block << 8 | element));
            }
            if (string.Equals(existing.Trim(), creator, StringComparison.Ordinal))
            {
                return new DicomTag(group, (ushort)(block << 8 | element));
            }
        }
        return reserve ? throw new DicomDataException($"All 240 private blocks of group {group:X4} are taken.") : null;
    }

    /// <summary>The private creator of a private data element, or null when it has none.</summary>
    public string? GetPrivateCreator(DicomTag tag) =>
        tag.IsPrivate && !tag.IsPrivateCreator && tag.Element >= 0x1000 ? GetString(tag.PrivateCreatorTag)?.Trim() : null;

    /// <summary>The dictionary entry that describes <paramref name="tag"/> here, using this dataset's private creators.</summary>
    public DicomDictionaryEntry? FindEntry(DicomTag tag) =>
        tag.IsPrivate && !tag.IsPrivateCreator && tag.Element >= 0x1000 ? DicomDictionary.FindPrivate(tag, GetPrivateCreator(tag)) : DicomDictionary.Find(tag);

    /// <summary>A deep copy: elements are shared (they are immutable), sequences and items are copied.</summary>
    public DicomDataset Clone()
    {
        var copy = new DicomDataset();
        foreach (var element in _elements)
        {
            copy._elements.Add(element is DicomSequence sq ? new DicomSequence(sq.Tag, sq.Items.Select(i => i.Clone())) : element);
        }
        return copy;
    }

    /// <inheritdoc/>
    public IEnumerator<DicomElement> GetEnumerator() => _elements.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"DicomDataset with {Count} elements");

    private DicomVR DictionaryVR(DicomTag tag)
    {
        var entry = FindEntry(tag);
        return entry is { ValueRepresentations.Count: > 0 } ? entry.DefaultVR
            : throw new DicomDataException($"{tag} is not in the data dictionary: give its VR explicitly.");
    }

    private int IndexOf(DicomTag tag)
    {
        int lo = 0, hi = _elements.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = _elements[mid].Tag.Value.CompareTo(tag.Value);
            if (c == 0)
            {
                return mid;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return ~lo;
    }
}
