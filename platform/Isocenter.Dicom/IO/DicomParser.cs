using System.Text;

namespace Isocenter.Dicom.IO;

/// <summary>
/// Parses an encoded dataset (no preamble or meta header) from a stream and reports it to an observer, in one forward pass.
/// Lenient where real files need it: odd lengths, UN sequences, UN elements of known attributes, undefined-length UN,
/// explicit VR fields that are not VRs; strict about truncation and lengths that point past the data.
/// </summary>
public sealed class DicomParser
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private static readonly DicomTag PixelData = DicomTag.PixelData;

    private readonly DicomByteSource _source;
    private readonly IDicomReaderObserver _observer;
    private readonly DicomReadOptions _options;
    private readonly DicomRangeSource? _lazySource;
    private readonly bool _bigEndian;
    private bool _explicitVR;

    private DicomParser(DicomByteSource source, DicomTransferSyntax syntax, IDicomReaderObserver observer, DicomReadOptions options, DicomRangeSource? lazySource)
    {
        _source = source;
        _observer = observer;
        _options = options;
        _lazySource = syntax.IsDeflated ? null : lazySource;
        _bigEndian = syntax.IsBigEndian;
        _explicitVR = syntax.IsExplicitVR;
    }

    /// <summary>What was tolerated while reading (truncation, malformed VR fields), one sentence each.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>True when parsing stopped at pixel data because of <see cref="DicomReadOptions.StopBeforePixelData"/>.</summary>
    public bool StoppedBeforePixelData { get; private set; }

    /// <summary>Parses the dataset in <paramref name="stream"/> (from its current position to its end) in <paramref name="syntax"/>.</summary>
    public static DicomParser Parse(Stream stream, DicomTransferSyntax syntax, IDicomReaderObserver observer, DicomReadOptions? options = null)
    {
        var source = new DicomByteSource(stream, stream.CanSeek ? stream.Position : 0);
        var parser = new DicomParser(source, syntax, observer, options ?? DicomReadOptions.Default, null);
        parser.ReadTopLevel();
        return parser;
    }

    internal static DicomParser Parse(DicomByteSource source, DicomTransferSyntax syntax, IDicomReaderObserver observer, DicomReadOptions options, DicomRangeSource? lazySource)
    {
        var parser = new DicomParser(source, syntax, observer, options, lazySource);
        parser.ReadTopLevel();
        return parser;
    }

    private void ReadTopLevel()
    {
        try
        {
            ReadDataset(new Level(null), -1, 0);
        }
        catch (DicomReadException e) when (e.IsTruncation && _options.TolerateTruncation)
        {
            Warnings.Add(e.Message + "; the elements before it were kept");
        }
    }

    /// <summary>Reads elements until <paramref name="end"/> (or an item delimiter, or the end of the stream when -1 at the top).</summary>
    private void ReadDataset(Level level, long end, int depth)
    {
        while (end < 0 || _source.Position < end)
        {
            if (!_source.TryEnsure(8))
            {
                if (depth == 0)
                {
                    return; // end of the stream (trailing bytes shorter than a header are ignored)
                }
                _source.Ensure(8, "an element header");
            }
            var group = _source.PeekUInt16(0, _bigEndian);
            var element = _source.PeekUInt16(2, _bigEndian);
            var tag = new DicomTag(group, element);
            if (group == 0xFFFE)
            {
                if (element == 0xE00D && depth > 0)
                {
                    _source.Advance(8);
                    return; // end of an undefined-length item
                }
                if (element == 0xE0DD && depth > 0 && end < 0)
                {
                    return; // an item that lacks its delimiter: let the sequence see the sequence delimiter
                }
                throw new DicomReadException($"Unexpected {tag} in a dataset: item and delimiter tags belong in sequences", _source.Position);
            }
            if (depth == 0 && _options.StopBeforePixelData && tag.Value >= 0x7FE00008u)
            {
                StoppedBeforePixelData = true;
                return;
            }
            ReadElement(level, tag, depth);
        }
    }

    private void ReadElement(Level level, DicomTag tag, int depth)
    {
        var headerStart = _source.Position;
        var vr = _source.ReadHeader(tag, _explicitVR, _bigEndian, out var length);
        var explicitHere = vr != DicomVR.None;
        if (!explicitHere)
        {
            vr = level.ImplicitVR(tag); // Implicit VR, or an explicit VR field that holds no VR: take the dictionary's
        }

        if (length == UndefinedLength)
        {
            if (tag == PixelData && vr != DicomVR.SQ)
            {
                ReadFragments(tag, vr);
            }
            else if (vr is DicomVR.SQ or DicomVR.UN || !explicitHere)
            {
                // PS3.5 6.2.2: an undefined-length UN holds a sequence in Implicit VR Little Endian.
                ReadSequence(level, tag, -1, depth, implicitContent: vr == DicomVR.UN);
            }
            else
            {
                throw new DicomReadException($"{tag} {tag.Keyword} ({vr.Code()}) has undefined length, which only sequences and encapsulated pixel data may have", headerStart);
            }
            return;
        }

        if (vr == DicomVR.UN)
        {
            // A UN element of a known attribute (written by a node that did not know it), standard or private with a
            // known creator: read it as what it is, as pydicom and DCMTK do. Private creators are LO (PS3.5 7.8.1).
            var known = level.ImplicitVR(tag);
            if (known == DicomVR.SQ)
            {
                ReadSequence(level, tag, _source.Position + length, depth, implicitContent: true);
                return;
            }
            if (known != DicomVR.UN && known != DicomVR.None)
            {
                vr = known;
            }
        }
        if (vr == DicomVR.SQ)
        {
            ReadSequence(level, tag, _source.Position + length, depth, implicitContent: false);
            return;
        }

        var value = ReadValue(tag, vr, length);
        level.Observe(tag, value);
        _observer.OnElement(tag, vr, value);
    }

    private DicomBuffer ReadValue(DicomTag tag, DicomVR vr, long length)
    {
        var swapUnit = _bigEndian ? vr.ValueSize() : 0;
        if (_source.Remaining is long remaining && length > remaining)
        {
            // Keep what is there (as pydicom and DCMTK do), then report the truncation.
            var start = _source.Position;
            _observer.OnElement(tag, vr, ReadValue(tag, vr, remaining));
            throw new DicomReadException($"The value of {tag} {tag.Keyword} announces {length} bytes but only {remaining} remain; the file is truncated", start, isTruncation: true);
        }
        if (_lazySource is not null && length >= _options.LazyBulkDataThreshold && length > 0)
        {
            var lazy = _lazySource.Range(_source.Position, length, swapUnit);
            _source.Skip(length, $"the value of {tag}");
            return lazy;
        }
        var bytes = _source.Read(length, $"the value of {tag}");
        if (swapUnit > 1)
        {
            DicomBuffer.SwapBytes(bytes.Span, swapUnit);
        }
        return DicomBuffer.FromBytes(bytes);
    }

    private void ReadSequence(Level parent, DicomTag tag, long end, int depth, bool implicitContent)
    {
        if (depth >= _options.MaxDepth)
        {
            throw new DicomReadException($"Sequences nested deeper than {_options.MaxDepth} levels at {tag}: refusing to read further", _source.Position);
        }
        var outerExplicit = _explicitVR;
        if (implicitContent)
        {
            _explicitVR = false;
        }
        _observer.OnBeginSequence(tag);
        while (end < 0 || _source.Position < end)
        {
            _source.Ensure(8, $"an item header in sequence {tag}");
            var itemTag = new DicomTag(_source.PeekUInt16(0, _bigEndian), _source.PeekUInt16(2, _bigEndian));
            var itemLength = _source.PeekUInt32(4, _bigEndian);
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                _source.Advance(8);
                break;
            }
            if (itemTag != DicomTag.Item)
            {
                if (end >= 0 && itemTag == DicomTag.ItemDelimitationItem)
                {
                    _source.Advance(8); // a stray delimiter inside a defined-length sequence: harmless
                    continue;
                }
                throw new DicomReadException($"Expected an item (FFFE,E000) in sequence {tag} {tag.Keyword}, found {itemTag}", _source.Position);
            }
            _source.Advance(8);
            if (end >= 0 && itemLength != UndefinedLength && _source.Position + itemLength > end)
            {
                throw new DicomReadException($"An item of sequence {tag} {tag.Keyword} is {itemLength} bytes long, past the end of its sequence", _source.Position);
            }
            _observer.OnBeginItem();
            ReadDataset(new Level(parent), itemLength == UndefinedLength ? -1 : _source.Position + itemLength, depth + 1);
            _observer.OnEndItem();
        }
        _observer.OnEndSequence();
        _explicitVR = outerExplicit;
    }

    private void ReadFragments(DicomTag tag, DicomVR vr)
    {
        DicomBuffer? offsetTable = null;
        while (true)
        {
            _source.Ensure(8, $"a fragment header in {tag}");
            var itemTag = new DicomTag(_source.PeekUInt16(0, _bigEndian), _source.PeekUInt16(2, _bigEndian));
            var itemLength = _source.PeekUInt32(4, _bigEndian);
            _source.Advance(8);
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                break;
            }
            if (itemTag != DicomTag.Item || itemLength == UndefinedLength)
            {
                throw new DicomReadException($"Expected a fragment item (FFFE,E000) of defined length in encapsulated {tag}, found {itemTag} length {itemLength:X8}", _source.Position - 8);
            }
            // Fragments are bytes (OB): no swapping, even in big endian.
            var fragment = _lazySource is not null && itemLength >= _options.LazyBulkDataThreshold
                ? LazyFragment(itemLength)
                : DicomBuffer.FromBytes(_source.Read(itemLength, $"a fragment of {tag}"));
            if (offsetTable is null)
            {
                offsetTable = fragment;
                _observer.OnBeginFragments(tag, vr, offsetTable);
            }
            else
            {
                _observer.OnFragment(fragment);
            }
        }
        if (offsetTable is null)
        {
            _observer.OnBeginFragments(tag, vr, DicomBuffer.Empty);
        }
        _observer.OnEndFragments();
    }

    private DicomBuffer LazyFragment(uint length)
    {
        var lazy = _lazySource!.Range(_source.Position, length, 0);
        _source.Skip(length, "a fragment");
        return lazy;
    }

    /// <summary>What the parser needs to know of the dataset being read to pick VRs in Implicit VR: creators, pixel representation.</summary>
    private sealed class Level(Level? parent)
    {
        private Dictionary<int, string>? _creators;
        private int _pixelRepresentation = parent?._pixelRepresentation ?? -1;
        private int _bitsAllocated = parent?._bitsAllocated ?? -1;

        public void Observe(DicomTag tag, DicomBuffer value)
        {
            if (tag.IsPrivateCreator)
            {
                _creators ??= [];
                _creators[tag.Group << 8 | tag.Element] = Encoding.Latin1.GetString(value.Memory.Span).Trim(' ', '\0');
            }
            else if (tag == DicomTag.PixelRepresentation && value.Length >= 2)
            {
                _pixelRepresentation = value.Memory.Span[0];
            }
            else if (tag == DicomTag.BitsAllocated && value.Length >= 2)
            {
                _bitsAllocated = value.Memory.Span[0] | value.Memory.Span[1] << 8;
            }
        }

        public DicomVR ImplicitVR(DicomTag tag)
        {
            DicomDictionaryEntry? entry;
            if (tag.IsPrivate && !tag.IsPrivateCreator && tag.Element >= 0x1000)
            {
                string? creator = null;
                _creators?.TryGetValue(tag.Group << 8 | tag.Element >> 8, out creator);
                entry = DicomDictionary.FindPrivate(tag, creator);
            }
            else
            {
                entry = DicomDictionary.Find(tag);
            }
            if (entry is null || entry.ValueRepresentations.Count == 0)
            {
                return DicomVR.UN;
            }
            if (entry.ValueRepresentations.Count == 1)
            {
                return entry.DefaultVR;
            }
            return ResolveAmbiguous(tag, entry);
        }

        // PS3.5 A.1 and the attribute definitions of PS3.3: which of "US or SS", "OB or OW"... applies.
        private DicomVR ResolveAmbiguous(DicomTag tag, DicomDictionaryEntry entry)
        {
            var vrs = entry.ValueRepresentations;
            if (vrs.Contains(DicomVR.SS) && vrs[0] == DicomVR.US)
            {
                var isDescriptor = tag == DicomTag.LUTDescriptor || tag == DicomTag.RedPaletteColorLookupTableDescriptor
                    || tag == DicomTag.GreenPaletteColorLookupTableDescriptor || tag == DicomTag.BluePaletteColorLookupTableDescriptor;
                return !isDescriptor && _pixelRepresentation == 1 ? DicomVR.SS : DicomVR.US;
            }
            if (tag == PixelData)
            {
                return _bitsAllocated is > 0 and <= 8 ? DicomVR.OB : DicomVR.OW;
            }
            return DicomVR.OW;
        }
    }
}
