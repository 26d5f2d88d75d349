using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Isocenter.Dicom.Imaging.Codecs.JpegLossless;

/// <summary>A decoded lossless JPEG image: samples interleaved by component, row by row, already shifted by the point transform.</summary>
internal sealed record JpegLosslessImage(int Width, int Height, int Components, int Precision, ushort[] Samples);

/// <summary>Decodes a JPEG lossless (SOF3, Huffman) bitstream: predictors 1-7, point transform, restart intervals, interleaved or not.</summary>
internal static class JpegLosslessDecoder
{
    private sealed class Component
    {
        public int Id;
        public int Index;
        public int HuffmanTable;
    }

    /// <summary>Decodes <paramref name="data"/>; <paramref name="maxSamples"/> bounds what a corrupt SOF3 can make it allocate.</summary>
    public static JpegLosslessImage Decode(ReadOnlySpan<byte> data, long maxSamples = 1L << 28)
    {
        try
        {
            return DecodeCore(data, maxSamples);
        }
        catch (IndexOutOfRangeException e)
        {
            throw new DicomDataException("JPEG Lossless: a marker segment is shorter than its content.", e);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new DicomDataException("JPEG Lossless: a marker segment is shorter than its content.", e);
        }
    }

    private static JpegLosslessImage DecodeCore(ReadOnlySpan<byte> data, long maxSamples)
    {
        var tables = new HuffmanTable?[8];
        Component[]? components = null;
        int width = 0, height = 0, precision = 0, restartInterval = 0;
        ushort[]? samples = null;
        var position = 0;
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw Error("the frame does not start with SOI (FFD8)");
        }
        position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                position++; // garbage between segments: skip it as libjpeg does
                continue;
            }
            var marker = data[position + 1];
            if (marker is 0xFF)
            {
                position++;
                continue;
            }
            if (marker is 0xD9)
            {
                break;
            }
            if (marker is 0xD8 or (>= 0xD0 and <= 0xD7) or 0x01)
            {
                position += 2;
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (position + 2 + length > data.Length || length < 2)
            {
                throw Error($"segment FF{marker:X2} at byte {position} runs past the end");
            }
            var segment = data.Slice(position + 4, length - 2);
            position += 2 + length;
            switch (marker)
            {
                case 0xC3:
                    precision = segment[0];
                    height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                    width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
                    var count = segment[5];
                    if (precision is < 2 or > 16 || count == 0 || width == 0 || height == 0 || segment.Length < 6 + count * 3)
                    {
                        throw Error($"unsupported SOF3: precision {precision}, {width}×{height}, {count} components");
                    }
                    if ((long)width * height * count > maxSamples)
                    {
                        throw Error($"SOF3 declares {width}×{height}×{count} samples, more than the {maxSamples} expected");
                    }
                    components = new Component[count];
                    for (var i = 0; i < count; i++)
                    {
                        if (segment[7 + i * 3] != 0x11)
                        {
                            throw Error("subsampled components are not supported in lossless JPEG");
                        }
                        components[i] = new Component { Id = segment[6 + i * 3], Index = i };
                    }
                    samples = new ushort[width * height * count];
                    break;
                case 0xC0 or 0xC1 or 0xC2 or (>= 0xC5 and <= 0xC7) or (>= 0xC9 and <= 0xCB) or (>= 0xCD and <= 0xCF):
                    throw Error($"SOF{marker - 0xC0} is not a lossless Huffman frame (only SOF3 is)");
                case 0xC4:
                    ReadHuffmanTables(segment, tables);
                    break;
                case 0xDD:
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xDA:
                    if (components is null || samples is null)
                    {
                        throw Error("SOS before SOF3");
                    }
                    var scanCount = segment[0];
                    var scan = new Component[scanCount];
                    for (var i = 0; i < scanCount; i++)
                    {
                        var id = segment[1 + i * 2];
                        var component = Array.Find(components, c => c.Id == id) ?? throw Error($"SOS names unknown component {id}");
                        component.HuffmanTable = segment[2 + i * 2] >> 4;
                        scan[i] = component;
                    }
                    var predictor = segment[1 + scanCount * 2];
                    var pointTransform = segment[3 + scanCount * 2] & 0x0F;
                    if (predictor is < 1 or > 7)
                    {
                        throw Error($"predictor {predictor} is not a lossless one (1-7)");
                    }
                    var reader = new BitReader(data, position);
                    DecodeScan(ref reader, scan, tables, components.Length, width, height, precision, predictor, pointTransform, restartInterval, samples);
                    position = reader.MarkerPosition;
                    break;
                default:
                    break; // APPn, COM, DNL and others carry nothing a lossless decoder needs
            }
        }
        if (samples is null || components is null)
        {
            throw Error("no SOF3 frame found");
        }
        return new JpegLosslessImage(width, height, components.Length, precision, samples);
    }

    /// <summary>Reads a DHT segment into <paramref name="tables"/>, indexed by class × 4 + destination (DC 0-3, AC 4-7).</summary>
    internal static void ReadHuffmanTables(ReadOnlySpan<byte> segment, HuffmanTable?[] tables)
    {
        var i = 0;
        while (i + 17 <= segment.Length)
        {
            var tableClass = segment[i] >> 4;
            var id = segment[i] & 0x0F;
            var counts = segment.Slice(i + 1, 16);
            var total = 0;
            foreach (var c in counts)
            {
                total += c;
            }
            if (i + 17 + total > segment.Length || id > 3 || tableClass > 1)
            {
                throw Error("DHT segment is malformed");
            }
            tables[tableClass * 4 + id] = new HuffmanTable(counts, segment.Slice(i + 17, total));
            i += 17 + total;
        }
    }

    private static void DecodeScan(ref BitReader reader, Component[] scan, HuffmanTable?[] tables, int componentCount, int width, int height,
        int precision, int predictor, int pointTransform, int restartInterval, ushort[] samples)
    {
        var scanTables = new HuffmanTable[scan.Length];
        for (var i = 0; i < scan.Length; i++)
        {
            scanTables[i] = tables[scan[i].HuffmanTable] ?? throw Error($"Huffman table {scan[i].HuffmanTable} is not defined");
        }
        var mask = (1 << (precision - pointTransform)) - 1;
        var initial = 1 << (precision - pointTransform - 1);
        var stride = width * componentCount;
        var mcus = 0;
        var firstRow = 0; // the row where prediction restarts (0, or the first row after a restart marker)
        for (var y = 0; y < height; y++)
        {
            if (predictor == 1 && restartInterval == 0 && scan.Length == 1 && componentCount == 1)
            {
                DecodeRowPredictor1(ref reader, scanTables[0], samples.AsSpan(y * width, width), y == 0 ? initial : samples[(y - 1) * width], mask);
                continue;
            }
            for (var x = 0; x < width; x++)
            {
                if (restartInterval > 0 && mcus == restartInterval)
                {
                    reader.Restart();
                    mcus = 0;
                    firstRow = y;
                    if (x != 0)
                    {
                        throw Error("restart intervals that do not start a row are not supported");
                    }
                }
                mcus++;
                for (var s = 0; s < scan.Length; s++)
                {
                    var c = scan[s].Index;
                    var at = y * stride + x * componentCount + c;
                    int prediction;
                    if (y == firstRow)
                    {
                        prediction = x == 0 ? initial : samples[at - componentCount];
                    }
                    else if (x == 0)
                    {
                        prediction = samples[at - stride];
                    }
                    else
                    {
                        int ra = samples[at - componentCount], rb = samples[at - stride], rc = samples[at - stride - componentCount];
                        prediction = predictor switch
                        {
                            1 => ra,
                            2 => rb,
                            3 => rc,
                            4 => ra + rb - rc,
                            5 => ra + ((rb - rc) >> 1),
                            6 => rb + ((ra - rc) >> 1),
                            _ => (ra + rb) >> 1,
                        };
                    }
                    var difference = reader.DecodeDifference(scanTables[s]);
                    samples[at] = (ushort)((prediction + difference) & mask);
                }
            }
        }
        if (pointTransform > 0)
        {
            foreach (var component in scan)
            {
                for (var i = component.Index; i < samples.Length; i += componentCount)
                {
                    samples[i] = (ushort)(samples[i] << pointTransform);
                }
            }
        }
    }

    /// <summary>
    /// One grey row with predictor 1 (selection value 1, what DICOM's …4.70 means) and no restart: the first sample is
    /// predicted from <paramref name="first"/>, every other from its left neighbour, kept in a register.
    /// </summary>
    private static void DecodeRowPredictor1(ref BitReader reader, HuffmanTable table, Span<ushort> row, int first, int mask)
    {
        var previous = first;
        for (var x = 0; x < row.Length; x++)
        {
            previous = (previous + reader.DecodeDifference(table)) & mask;
            row[x] = (ushort)previous;
        }
    }

    internal static DicomDataException Error(string message) => new($"JPEG Lossless: {message}.");

    /// <summary>
    /// A Huffman table: codes of up to <see cref="FastBits"/> bits from one small lookup of the next bits, longer ones by
    /// their canonical code ranges per length (T.81 F.2.2.3's MAXCODE/VALPTR). Small enough to build per frame.
    /// </summary>
    internal sealed class HuffmanTable
    {
        private const int FastBits = 9;
        private readonly ushort[] _fast = new ushort[1 << FastBits]; // (length << 8) | value; 0 = a longer code
        private readonly int[] _maxCode = new int[17]; // the largest code of each length, -1 when none
        private readonly int[] _offset = new int[17]; // value index of a code of each length, minus its code
        private readonly byte[] _values;

        public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
        {
            _values = values.ToArray();
            var code = 0;
            var k = 0;
            for (var length = 1; length <= 16; length++)
            {
                _offset[length] = k - code;
                _maxCode[length] = counts[length - 1] == 0 ? -1 : code + counts[length - 1] - 1;
                for (var i = 0; i < counts[length - 1]; i++, code++, k++)
                {
                    if (code >= 1 << length)
                    {
                        throw Error("Huffman table is over-subscribed");
                    }
                    if (length <= FastBits)
                    {
                        var shift = FastBits - length;
                        _fast.AsSpan(code << shift, 1 << shift).Fill((ushort)(length << 8 | values[k]));
                    }
                }
                code <<= 1;
            }
        }

        /// <summary>(length &lt;&lt; 8) | value of the code that starts <paramref name="bits16"/> (the next 16 bits), or 0 when none does.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Lookup(int bits16)
        {
            var entry = _fast[bits16 >> (16 - FastBits)];
            return entry != 0 ? entry : LookupLong(bits16);
        }

        private int LookupLong(int bits16)
        {
            for (var length = FastBits + 1; length <= 16; length++)
            {
                var code = bits16 >> (16 - length);
                if (code <= _maxCode[length])
                {
                    return length << 8 | _values[_offset[length] + code];
                }
            }
            return 0;
        }
    }

    /// <summary>Reads entropy-coded bits: removes stuffed zero bytes after FF, stops at a marker and then supplies zeros.</summary>
    internal ref struct BitReader(ReadOnlySpan<byte> data, int position)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = position;
        private ulong _bits;
        private int _count;
        private bool _atMarker;

        /// <summary>Where the marker that ended the entropy-coded data starts.</summary>
        public readonly int MarkerPosition => _position;

        private void Fill()
        {
            while (_count <= 56)
            {
                uint next = 0;
                if (!_atMarker && _position < _data.Length)
                {
                    next = _data[_position];
                    if (next == 0xFF)
                    {
                        var following = _position + 1 < _data.Length ? _data[_position + 1] : 0xD9;
                        if (following == 0x00)
                        {
                            _position += 2;
                        }
                        else if (following == 0xFF)
                        {
                            _position++; // fill bytes before a marker
                            continue;
                        }
                        else
                        {
                            _atMarker = true;
                            next = 0;
                        }
                    }
                    else
                    {
                        _position++;
                    }
                }
                _bits |= (ulong)next << (56 - _count);
                _count += 8;
            }
        }

        /// <summary>A lossless difference (H.1.2.2): its category from <paramref name="table"/>, then its additional bits.</summary>
        public int DecodeDifference(HuffmanTable table)
        {
            var ssss = DecodeSymbol(table);
            return ssss switch
            {
                0 => 0,
                16 => 32768, // H.1.2.2: no additional bits follow
                _ => ReceiveExtend(ssss),
            };
        }

        /// <summary>The next Huffman-coded value of <paramref name="table"/>; at least 16 bits stay buffered after it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int DecodeSymbol(HuffmanTable table)
        {
            if (_count < 32)
            {
                Fill();
            }
            var entry = table.Lookup((int)(_bits >> 48));
            if (entry == 0)
            {
                throw Error("invalid Huffman code");
            }
            var length = entry >> 8;
            _bits <<= length;
            _count -= length;
            return entry & 0xFF;
        }

        /// <summary>The next <paramref name="ssss"/> bits (1-15, after <see cref="DecodeSymbol"/>) as a signed value (F.2.2.1 EXTEND).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int ReceiveExtend(int ssss)
        {
            var value = (int)(_bits >> (64 - ssss));
            _bits <<= ssss;
            _count -= ssss;
            return value < 1 << (ssss - 1) ? value - (1 << ssss) + 1 : value;
        }

        /// <summary>Skips to the restart marker that must follow and resets the bit buffer.</summary>
        public void Restart()
        {
            _bits = 0;
            _count = 0;
            _atMarker = false;
            while (_position + 1 < _data.Length && !(_data[_position] == 0xFF && _data[_position + 1] is >= 0xD0 and <= 0xD7))
            {
                _position++;
            }
            _position += 2;
        }
    }
}
