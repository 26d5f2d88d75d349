using Isocenter.Dicom.Text;

namespace Isocenter.Dicom.IO;

/// <summary>The observer that builds a <see cref="DicomDataset"/>, attaching to each text value the character set in force.</summary>
public sealed class DicomDatasetBuilder : IDicomReaderObserver
{
    private readonly Stack<(DicomDataset Dataset, DicomCharacterSet CharacterSet)> _datasets = new();
    private readonly Stack<DicomSequence> _sequences = new();
    private DicomFragmentSequence? _fragments;

    /// <summary>Builds into <paramref name="root"/> (a new dataset when null), starting with <paramref name="characterSet"/>.</summary>
    public DicomDatasetBuilder(DicomDataset? root = null, DicomCharacterSet? characterSet = null)
    {
        Dataset = root ?? new DicomDataset();
        _datasets.Push((Dataset, characterSet ?? DicomCharacterSet.Default));
    }

    /// <summary>The dataset built so far.</summary>
    public DicomDataset Dataset { get; }

    /// <inheritdoc/>
    public void OnElement(DicomTag tag, DicomVR vr, DicomBuffer value)
    {
        var (dataset, characterSet) = _datasets.Peek();
        var element = new DicomValueElement(tag, vr, value, vr.UsesCharacterSet() ? characterSet : null);
        dataset.Add(element);
        if (tag == DicomTag.SpecificCharacterSet)
        {
            var declared = DicomCharacterSet.FromSpecificCharacterSet(element.GetStrings());
            _datasets.Pop();
            _datasets.Push((dataset, declared));
            if (dataset.Count > 1 && !declared.Equals(characterSet))
            {
                // The declaration covers the whole dataset, also what precedes it (groups 0000-0007, e.g. (0006,0001) items).
                Redeclare(dataset, characterSet, declared, DicomTag.SpecificCharacterSet);
            }
        }
    }

    private static void Redeclare(DicomDataset dataset, DicomCharacterSet from, DicomCharacterSet to, DicomTag before)
    {
        foreach (var element in dataset.Where(e => e.Tag < before).ToList())
        {
            if (element is DicomValueElement { VR: var vr } value && vr.UsesCharacterSet() && value.CharacterSet.Equals(from))
            {
                dataset.Add(new DicomValueElement(value.Tag, vr, value.Buffer, to));
            }
            else if (element is DicomSequence sequence)
            {
                foreach (var item in sequence.Items.Where(i => !i.Contains(DicomTag.SpecificCharacterSet)))
                {
                    Redeclare(item, from, to, new DicomTag(uint.MaxValue));
                }
            }
        }
    }

    /// <inheritdoc/>
    public void OnBeginSequence(DicomTag tag)
    {
        var sequence = new DicomSequence(tag);
        _datasets.Peek().Dataset.Add(sequence);
        _sequences.Push(sequence);
    }

    /// <inheritdoc/>
    public void OnBeginItem()
    {
        var item = new DicomDataset();
        _sequences.Peek().Items.Add(item);
        _datasets.Push((item, _datasets.Peek().CharacterSet));
    }

    /// <inheritdoc/>
    public void OnEndItem() => _datasets.Pop();

    /// <inheritdoc/>
    public void OnEndSequence() => _sequences.Pop();

    /// <inheritdoc/>
    public void OnBeginFragments(DicomTag tag, DicomVR vr, DicomBuffer offsetTable)
    {
        _fragments = new DicomFragmentSequence(tag, vr, offsetTable);
        _datasets.Peek().Dataset.Add(_fragments);
    }

    /// <inheritdoc/>
    public void OnFragment(DicomBuffer fragment) => _fragments!.Fragments.Add(fragment);

    /// <inheritdoc/>
    public void OnEndFragments() => _fragments = null;
}
