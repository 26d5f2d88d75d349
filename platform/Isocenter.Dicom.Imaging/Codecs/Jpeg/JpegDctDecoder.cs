using System.Buffers.Binary;
using Isocenter.Dicom.Imaging.Codecs.JpegLossless;
using HuffmanTable = Isocenter.Dicom.Imaging.Codecs.JpegLossless.JpegLosslessDecoder.HuffmanTable;

namespace Isocenter.Dicom.Imaging.Codecs.Jpeg;

/// <summary>A decoded DCT JPEG image: samples interleaved by component, row by row.</summary>
internal sealed record JpegDctImage(int Width, int Height, int Components, int Precision, ushort[] Samples);

/// <summary>
/// Sequential Huffman DCT JPEG (T.81 processes 1, 2 and 4: SOF0 and SOF1, 8- and 12-bit precision), with the arithmetic of
/// IJG 6b as DCMTK's <c>dcmdjpeg</c> builds it: the "islow" integer IDCT of jidctint.c and its range limiting, and jdcolor.c's
/// YCbCr to RGB tables. 1 to 4 components, interleaved or in separate scans, restart intervals; components must share one
/// sampling factor (IJG's upsampling is not replicated), which is how 12-bit DICOM files are coded.
/// </summary>
internal static class JpegDctDecoder
{
    private const int ConstBits = 13;
    private const long Fix0298631336 = 2446, Fix0390180644 = 3196, Fix0541196100 = 4433, Fix0765366865 = 6270, Fix0899976223 = 7373,
        Fix1175875602 = 9633, Fix1501321110 = 12299, Fix1847759065 = 15137, Fix1961570560 = 16069, Fix2053119869 = 16819,
        Fix2562915447 = 20995, Fix3072711026 = 25172;

    /// <summary>Zig-zag position to natural position, with IJG's 16 extra entries that absorb a corrupt run past the block's end.</summary>
    private static readonly byte[] NaturalOrder =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    private sealed class Component
    {
        public int Id;
        public int H;
        public int V;
        public int QuantTable;
        public int DcTable;
        public int AcTable;
        public int Predictor;
        public int Stride;
        public ushort[] Plane = [];
    }

    /// <summary>
    /// Decodes <paramref name="data"/>; with <paramref name="convertYCbCr"/>, 3 components are converted from YCbCr to RGB
    /// (dcmdjpeg's default for a YBR Photometric Interpretation). <paramref name="maxSamples"/> bounds what a corrupt SOF can make it allocate.
    /// </summary>
    public static JpegDctImage Decode(ReadOnlySpan<byte> data, bool convertYCbCr, long maxSamples)
    {
        try
        {
            return DecodeCore(data, convertYCbCr, maxSamples);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new DicomDataException("JPEG: a marker segment is shorter than its content.", e);
        }
    }

    private static JpegDctImage DecodeCore(ReadOnlySpan<byte> data, bool convertYCbCr, long maxSamples)
    {
        var huffman = new HuffmanTable?[8];
        var quant = new ushort[4][];
        Component[]? components = null;
        int width = 0, height = 0, precision = 0, restartInterval = 0, mcusX = 0, mcusY = 0, hMax = 1, vMax = 1;
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw Error("the frame does not start with SOI (FFD8)");
        }
        var position = 2;
        while (position + 4 <= data.Length)
        {
            var marker = data[position + 1];
            if (data[position] != 0xFF || marker is 0xFF or 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += data[position] == 0xFF && marker != 0xFF ? 2 : 1; // fill bytes and stray markers, skipped as libjpeg does
                continue;
            }
            if (marker == 0xD9)
            {
                break;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2 || position + 2 + length > data.Length)
            {
                throw Error($"segment FF{marker:X2} at byte {position} runs past the end");
            }
            var segment = data.Slice(position + 4, length - 2);
            position += 2 + length;
            switch (marker)
            {
                case 0xC0 or 0xC1:
                    precision = segment[0];
                    height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                    width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
                    components = ReadFrame(segment, precision, width, height, maxSamples);
                    hMax = components.Max(c => c.H);
                    vMax = components.Max(c => c.V);
                    mcusX = (width + 8 * hMax - 1) / (8 * hMax);
                    mcusY = (height + 8 * vMax - 1) / (8 * vMax);
                    foreach (var component in components)
                    {
                        component.Stride = mcusX * component.H * 8;
                        component.Plane = new ushort[component.Stride * mcusY * component.V * 8];
                    }
                    break;
                case >= 0xC2 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    throw Error($"SOF{marker - 0xC0} is not supported (only sequential Huffman DCT, SOF0 and SOF1)");
                case 0xC4:
                    JpegLosslessDecoder.ReadHuffmanTables(segment, huffman);
                    break;
                case 0xDB:
                    ReadQuantTables(segment, quant);
                    break;
                case 0xDD:
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xDA:
                    if (components is null)
                    {
                        throw Error("SOS before SOF");
                    }
                    var scan = ReadScan(segment, components, huffman, quant);
                    var reader = new JpegLosslessDecoder.BitReader(data, position);
                    var grid = scan.Length == 1
                        ? ((width * scan[0].H + 8 * hMax - 1) / (8 * hMax), (height * scan[0].V + 8 * vMax - 1) / (8 * vMax))
                        : (mcusX, mcusY);
                    DecodeScan(ref reader, scan, huffman, quant, precision, restartInterval, grid);
                    position = reader.MarkerPosition;
                    break;
                default:
                    break; // APPn, COM and others carry nothing this decoder needs
            }
        }
        if (components is null)
        {
            throw Error("no SOF0/SOF1 frame found");
        }
        var samples = Interleave(components, width, height);
        if (convertYCbCr && components.Length == 3)
        {
            ConvertYCbCrToRgb(samples, precision);
        }
        return new JpegDctImage(width, height, components.Length, precision, samples);
    }

    private static Component[] ReadFrame(ReadOnlySpan<byte> segment, int precision, int width, int height, long maxSamples)
    {
        var count = segment[5];
        if (precision is not (8 or 12) || count is 0 or > 4 || width == 0 || height == 0 || segment.Length < 6 + count * 3)
        {
            throw Error($"unsupported SOF: precision {precision}, {width}×{height}, {count} components");
        }
        if ((long)width * height * count > maxSamples)
        {
            throw Error($"SOF declares {width}×{height}×{count} samples, more than the {maxSamples} expected");
        }
        var components = new Component[count];
        for (var i = 0; i < count; i++)
        {
            var sampling = segment[7 + i * 3];
            components[i] = new Component { Id = segment[6 + i * 3], H = sampling >> 4, V = sampling & 0x0F, QuantTable = segment[8 + i * 3] & 3 };
            if (components[i].H is < 1 or > 4 || components[i].V is < 1 or > 4)
            {
                throw Error($"component {i + 1} has sampling factors {sampling:X2}");
            }
        }
        if (count > 1 && components.Any(c => c.H != components[0].H || c.V != components[0].V))
        {
            throw Error("subsampled components are not supported");
        }
        return components;
    }

    private static void ReadQuantTables(ReadOnlySpan<byte> segment, ushort[][] quant)
    {
        var i = 0;
        while (i < segment.Length)
        {
            var sixteenBit = segment[i] >> 4 != 0;
            var table = new ushort[64];
            if (i + 1 + (sixteenBit ? 128 : 64) > segment.Length)
            {
                throw Error("DQT segment is malformed");
            }
            for (var k = 0; k < 64; k++)
            {
                table[NaturalOrder[k]] = sixteenBit ? BinaryPrimitives.ReadUInt16BigEndian(segment[(i + 1 + 2 * k)..]) : segment[i + 1 + k];
            }
            quant[segment[i] & 3] = table;
            i += 1 + (sixteenBit ? 128 : 64);
        }
    }

    private static Component[] ReadScan(ReadOnlySpan<byte> segment, Component[] components, HuffmanTable?[] huffman, ushort[][] quant)
    {
        var scan = new Component[segment[0]];
        for (var i = 0; i < scan.Length; i++)
        {
            var id = segment[1 + i * 2];
            var component = Array.Find(components, c => c.Id == id) ?? throw Error($"SOS names unknown component {id}");
            component.DcTable = segment[2 + i * 2] >> 4 & 3;
            component.AcTable = 4 + (segment[2 + i * 2] & 3);
            component.Predictor = 0;
            if (huffman[component.DcTable] is null || huffman[component.AcTable] is null || quant[component.QuantTable] is null)
            {
                throw Error($"component {id} uses a Huffman or quantisation table that is not defined");
            }
            scan[i] = component;
        }
        return scan;
    }

    private static void DecodeScan(ref JpegLosslessDecoder.BitReader reader, Component[] scan, HuffmanTable?[] huffman, ushort[][] quant,
        int precision, int restartInterval, (int X, int Y) mcus)
    {
        Span<short> block = stackalloc short[64];
        Span<int> workspace = stackalloc int[64];
        var restartsToGo = restartInterval;
        var single = scan.Length == 1;
        for (var my = 0; my < mcus.Y; my++)
        {
            for (var mx = 0; mx < mcus.X; mx++)
            {
                if (restartInterval > 0)
                {
                    if (restartsToGo == 0)
                    {
                        reader.Restart();
                        foreach (var component in scan)
                        {
                            component.Predictor = 0;
                        }
                        restartsToGo = restartInterval;
                    }
                    restartsToGo--;
                }
                foreach (var component in scan)
                {
                    int h = single ? 1 : component.H, v = single ? 1 : component.V;
                    for (var by = 0; by < v; by++)
                    {
                        for (var bx = 0; bx < h; bx++)
                        {
                            DecodeBlock(ref reader, component, huffman[component.DcTable]!, huffman[component.AcTable]!, block);
                            var offset = ((my * v + by) * component.Stride + (mx * h + bx)) * 8;
                            Idct(block, quant[component.QuantTable], workspace, component.Plane.AsSpan(offset), component.Stride, precision);
                        }
                    }
                }
            }
        }
    }

    /// <summary>One block's coefficients in natural order, as IJG 6b's decode_mcu (jdhuff.c) stores them.</summary>
    private static void DecodeBlock(ref JpegLosslessDecoder.BitReader reader, Component component, HuffmanTable dc, HuffmanTable ac, scoped Span<short> block)
    {
        block.Clear();
        var s = reader.DecodeSymbol(dc);
        if (s is > 15)
        {
            throw Error($"DC category {s} is out of range");
        }
        component.Predictor += s == 0 ? 0 : reader.ReceiveExtend(s);
        block[0] = (short)component.Predictor;
        for (var k = 1; k < 64; k++)
        {
            var rs = reader.DecodeSymbol(ac);
            var r = rs >> 4;
            s = rs & 15;
            if (s != 0)
            {
                k += r;
                block[NaturalOrder[k]] = (short)reader.ReceiveExtend(s);
            }
            else if (r == 15)
            {
                k += 15;
            }
            else
            {
                break;
            }
        }
    }

    /// <summary>jidctint.c's jpeg_idct_islow: dequantise, two 1-D passes, descale, range-limit into <paramref name="output"/>.</summary>
    private static void Idct(ReadOnlySpan<short> block, ReadOnlySpan<ushort> quant, Span<int> workspace, Span<ushort> output, int stride, int precision)
    {
        var pass1Bits = precision == 8 ? 2 : 1;
        for (var column = 0; column < 8; column++)
        {
            if (block[8 + column] == 0 && block[16 + column] == 0 && block[24 + column] == 0 && block[32 + column] == 0
                && block[40 + column] == 0 && block[48 + column] == 0 && block[56 + column] == 0)
            {
                var dc = (int)((long)block[column] * quant[column] << pass1Bits);
                for (var row = 0; row < 8; row++)
                {
                    workspace[row * 8 + column] = dc;
                }
                continue;
            }
            Butterfly(
                (long)block[column] * quant[column], (long)block[8 + column] * quant[8 + column],
                (long)block[16 + column] * quant[16 + column], (long)block[24 + column] * quant[24 + column],
                (long)block[32 + column] * quant[32 + column], (long)block[40 + column] * quant[40 + column],
                (long)block[48 + column] * quant[48 + column], (long)block[56 + column] * quant[56 + column],
                ConstBits - pass1Bits, workspace[column..], 8);
        }
        var max = (1 << precision) - 1;
        Span<int> row8 = stackalloc int[8];
        for (var row = 0; row < 8; row++)
        {
            var w = workspace.Slice(row * 8, 8);
            Butterfly(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], ConstBits + pass1Bits + 3, row8, 1);
            var target = output.Slice(row * stride, 8);
            for (var x = 0; x < 8; x++)
            {
                target[x] = RangeLimit(row8[x], max);
            }
        }
    }

    /// <summary>The even and odd parts of one 1-D pass of jpeg_idct_islow, each output descaled by <paramref name="shift"/>.</summary>
    private static void Butterfly(long d0, long d1, long d2, long d3, long d4, long d5, long d6, long d7, int shift, Span<int> output, int step)
    {
        var z1 = (d2 + d6) * Fix0541196100;
        var tmp2 = z1 + d6 * -Fix1847759065;
        var tmp3 = z1 + d2 * Fix0765366865;
        var tmp0 = (d0 + d4) << ConstBits;
        var tmp1 = (d0 - d4) << ConstBits;
        long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;

        tmp0 = d7;
        tmp1 = d5;
        tmp2 = d3;
        tmp3 = d1;
        z1 = tmp0 + tmp3;
        var z2 = tmp1 + tmp2;
        var z3 = tmp0 + tmp2;
        var z4 = tmp1 + tmp3;
        var z5 = (z3 + z4) * Fix1175875602;
        tmp0 *= Fix0298631336;
        tmp1 *= Fix2053119869;
        tmp2 *= Fix3072711026;
        tmp3 *= Fix1501321110;
        z1 *= -Fix0899976223;
        z2 *= -Fix2562915447;
        z3 = z3 * -Fix1961570560 + z5;
        z4 = z4 * -Fix0390180644 + z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;

        var round = 1L << (shift - 1);
        output[0] = (int)((tmp10 + tmp3 + round) >> shift);
        output[7 * step] = (int)((tmp10 - tmp3 + round) >> shift);
        output[1 * step] = (int)((tmp11 + tmp2 + round) >> shift);
        output[6 * step] = (int)((tmp11 - tmp2 + round) >> shift);
        output[2 * step] = (int)((tmp12 + tmp1 + round) >> shift);
        output[5 * step] = (int)((tmp12 - tmp1 + round) >> shift);
        output[3 * step] = (int)((tmp13 + tmp0 + round) >> shift);
        output[4 * step] = (int)((tmp13 - tmp0 + round) >> shift);
    }

    /// <summary>
    /// IJG's post-IDCT range limit table (jdmaster.c prepare_range_limit_table) as arithmetic: the value is masked to
    /// 4 × (MAXJSAMPLE + 1) entries, read as signed, recentred and clamped, so wild values wrap exactly as they do there.
    /// </summary>
    private static ushort RangeLimit(int value, int max)
    {
        var masked = value & (max * 4 + 3);
        var signed = masked >= 2 * (max + 1) ? masked - 4 * (max + 1) : masked;
        return (ushort)Math.Clamp(signed + (max + 1) / 2, 0, max);
    }

    private static ushort[] Interleave(Component[] components, int width, int height)
    {
        var count = components.Length;
        var samples = new ushort[width * height * count];
        for (var c = 0; c < count; c++)
        {
            var component = components[c];
            for (var y = 0; y < height; y++)
            {
                var row = component.Plane.AsSpan(y * component.Stride, width);
                var at = y * width * count + c;
                for (var x = 0; x < width; x++, at += count)
                {
                    samples[at] = row[x];
                }
            }
        }
        return samples;
    }

    /// <summary>jdcolor.c's ycc_rgb_convert with its tables (16-bit fixed point, rounded as IJG rounds them), in place.</summary>
    private static void ConvertYCbCrToRgb(ushort[] samples, int precision)
    {
        const int ScaleBits = 16;
        const long Half = 1L << (ScaleBits - 1);
        static long Fix(double x) => (long)(x * (1L << ScaleBits) + 0.5);
        var max = (1 << precision) - 1;
        var center = 1 << (precision - 1);
        for (var i = 0; i < samples.Length; i += 3)
        {
            int y = samples[i], cb = samples[i + 1] - center, cr = samples[i + 2] - center;
            var red = y + (int)((Fix(1.40200) * cr + Half) >> ScaleBits);
            var green = y + (int)((-Fix(0.34414) * cb + Half + -Fix(0.71414) * cr) >> ScaleBits);
            var blue = y + (int)((Fix(1.77200) * cb + Half) >> ScaleBits);
            samples[i] = (ushort)Math.Clamp(red, 0, max);
            samples[i + 1] = (ushort)Math.Clamp(green, 0, max);
            samples[i + 2] = (ushort)Math.Clamp(blue, 0, max);
        }
    }

    private static DicomDataException Error(string message) => new($"JPEG: {message}.");
}
