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
            _datasets.Pop();
            _datasets.Push((dataset, DicomCharacterSet.FromSpecificCharacterSet(element.GetStrings())));
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
