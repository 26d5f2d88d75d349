using System.Buffers;

namespace Isocenter.Dicom.Imaging.Codecs.JpegLossless;

/// <summary>
/// Encodes JPEG lossless, process 14, selection value 1 (T.81 Annex H): one interleaved scan, one Huffman table optimised
/// for the image (Annex K.2), optional restart markers every <c>restartRows</c> rows.
/// </summary>
internal static class JpegLosslessEncoder
{
    /// <summary><paramref name="samples"/> holds width × height × components values of <paramref name="precision"/> bits, interleaved.</summary>
    public static byte[] Encode(ReadOnlySpan<ushort> samples, int width, int height, int components, int precision, int restartRows = 0)
    {
        if (precision is < 2 or > 16 || components is < 1 or > 4 || width is < 1 or > 65535 || height is < 1 or > 65535)
        {
            throw new NotSupportedException($"JPEG Lossless cannot encode {width}×{height}×{components} of {precision} bits.");
        }
        var differences = new int[samples.Length];
        var frequencies = new long[17];
        var stride = width * components;
        var firstRow = 0;
        for (var y = 0; y < height; y++)
        {
            if (restartRows > 0 && y > 0 && y % restartRows == 0)
            {
                firstRow = y;
            }
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < components; c++)
                {
                    var at = y * stride + x * components + c;
                    var prediction = y == firstRow ? (x == 0 ? 1 << (precision - 1) : samples[at - components])
                        : x == 0 ? samples[at - stride] : samples[at - components];
                    var difference = (samples[at] - prediction) & 0xFFFF;
                    if (difference >= 32768)
                    {
                        difference -= 65536;
                    }
                    differences[at] = difference;
                    frequencies[Category(difference)]++;
                }
            }
        }
        var (counts, values) = BuildTable(frequencies);
        var (codes, lengths) = CanonicalCodes(counts, values);

        var output = new ArrayBufferWriter<byte>(samples.Length + 1024);
        Write(output, [0xFF, 0xD8]);
        var sof = new List<byte> { 0xFF, 0xC3, 0, (byte)(8 + 3 * components), (byte)precision, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, (byte)components };
        for (var c = 0; c < components; c++)
        {
            sof.AddRange([(byte)(c + 1), 0x11, 0]);
        }
        Write(output, [.. sof]);
        var dht = new List<byte> { 0xFF, 0xC4, 0, (byte)(2 + 1 + 16 + values.Length), 0x00 };
        dht.AddRange(counts);
        dht.AddRange(values);
        Write(output, [.. dht]);
        if (restartRows > 0)
        {
            var interval = restartRows * width;
            if (interval > 65535)
            {
                throw new NotSupportedException($"A restart interval of {interval} MCUs does not fit in DRI.");
            }
            Write(output, [0xFF, 0xDD, 0, 4, (byte)(interval >> 8), (byte)interval]);
        }
        var sos = new List<byte> { 0xFF, 0xDA, 0, (byte)(6 + 2 * components), (byte)components };
        for (var c = 0; c < components; c++)
        {
            sos.AddRange([(byte)(c + 1), 0x00]);
        }
        sos.AddRange([1, 0, 0]); // predictor 1, Se 0, point transform 0
        Write(output, [.. sos]);

        var writer = new BitWriter(output);
        var restart = 0;
        for (var y = 0; y < height; y++)
        {
            if (restartRows > 0 && y > 0 && y % restartRows == 0)
            {
                writer.Flush();
                Write(output, [0xFF, (byte)(0xD0 + restart)]);
                restart = (restart + 1) & 7;
            }
            foreach (var difference in differences.AsSpan(y * stride, stride))
            {
                var category = Category(difference);
                writer.Write(codes[category], lengths[category]);
                if (category is > 0 and < 16)
                {
                    writer.Write((uint)(difference < 0 ? difference - 1 : difference) & ((1u << category) - 1), category);
                }
            }
        }
        writer.Flush();
        Write(output, [0xFF, 0xD9]);
        return output.WrittenSpan.ToArray();
    }

    private static int Category(int difference) => difference == -32768 ? 16 : 32 - int.LeadingZeroCount(Math.Abs(difference));

    private static void Write(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    /// <summary>Code lengths from symbol frequencies, limited to 16 bits (T.81 K.2, figures K.1-K.4).</summary>
    private static (byte[] Counts, byte[] Values) BuildTable(long[] symbolFrequencies)
    {
        var frequency = new long[18];
        Array.Copy(symbolFrequencies, frequency, 17);
        frequency[17] = 1; // reserved, so that no code is all ones
        var size = new int[18];
        var others = Enumerable.Repeat(-1, 18).ToArray();
        while (true)
        {
            int v1 = -1, v2 = -1;
            for (var i = 0; i < 18; i++)
            {
                if (frequency[i] > 0 && (v1 < 0 || frequency[i] <= frequency[v1]))
                {
                    v1 = i;
                }
            }
            for (var i = 0; i < 18; i++)
            {
                if (i != v1 && frequency[i] > 0 && (v2 < 0 || frequency[i] <= frequency[v2]))
                {
                    v2 = i;
                }
            }
            if (v2 < 0)
            {
                break;
            }
            frequency[v1] += frequency[v2];
            frequency[v2] = 0;
            size[v1]++;
            while (others[v1] >= 0)
            {
                v1 = others[v1];
                size[v1]++;
            }
            others[v1] = v2;
            size[v2]++;
            while (others[v2] >= 0)
            {
                v2 = others[v2];
                size[v2]++;
            }
        }
        var bits = new int[40];
        for (var i = 0; i < 18; i++)
        {
            if (size[i] > 0)
            {
                bits[size[i]]++;
            }
        }
        for (var i = 39; i > 16; i--)
        {
            while (bits[i] > 0)
            {
                var j = i - 2;
                while (bits[j] == 0)
                {
                    j--;
                }
                bits[i] -= 2;
                bits[i - 1]++;
                bits[j + 1] += 2;
                bits[j]--;
            }
        }
        var longest = 16;
        while (bits[longest] == 0)
        {
            longest--;
        }
        bits[longest]--; // drop the reserved symbol
        var counts = new byte[16];
        for (var i = 1; i <= 16; i++)
        {
            counts[i - 1] = (byte)bits[i];
        }
        var values = Enumerable.Range(0, 17).Where(s => size[s] > 0).OrderBy(s => size[s]).ThenBy(s => s).Select(s => (byte)s).ToArray();
        return (counts, values);
    }

    private static (uint[] Codes, int[] Lengths) CanonicalCodes(byte[] counts, byte[] values)
    {
        var codes = new uint[17];
        var lengths = new int[17];
        uint code = 0;
        var k = 0;
        for (var length = 1; length <= 16; length++)
        {
            for (var i = 0; i < counts[length - 1]; i++)
            {
                codes[values[k]] = code++;
                lengths[values[k]] = length;
                k++;
            }
            code <<= 1;
        }
        return (codes, lengths);
    }

    private sealed class BitWriter(ArrayBufferWriter<byte> output)
    {
        private ulong _bits;
        private int _count;

        public void Write(uint value, int length)
        {
            _bits = (_bits << length) | value;
            _count += length;
            while (_count >= 8)
            {
                _count -= 8;
                Emit((byte)(_bits >> _count));
            }
        }

        /// <summary>Pads the last byte with one bits (T.81 F.1.2.3).</summary>
        public void Flush()
        {
            if (_count > 0)
            {
                Write((1u << (8 - _count)) - 1, 8 - _count);
            }
            _bits = 0;
        }

        private void Emit(byte value)
        {
            var span = output.GetSpan(2);
            span[0] = value;
            if (value == 0xFF)
            {
                span[1] = 0;
                output.Advance(2);
            }
            else
            {
                output.Advance(1);
            }
        }
    }
}
