using System.Globalization;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Codecs.Jpeg2000;
using Isocenter.Dicom.Imaging.Codecs.JpegLS;
using Isocenter.Dicom.Imaging.Transcoding;

namespace Isocenter.Cli.Transcode;

/// <summary>
/// `isocenter transcode FILE --ts UID|KEYWORD [--quality N] [--near N] [--ratio R] --out FILE`: the file in another transfer
/// syntax, through <see cref="DicomTranscoder"/>. --quality is JPEG baseline's IJG quality (90), --near JPEG-LS
/// near-lossless' NEAR (2), --ratio JPEG 2000 lossy's compression ratio (10).
/// </summary>
internal static class TranscodeCommand
{
    public const string Usage = "transcode FILE --ts UID|explicit|implicit|rle|jpeg|jpeg-lossless|jpeg-ls|jpeg-ls-near|j2k-lossless|j2k [--quality N] [--near N] [--ratio R] --out FILE";

    private static readonly Dictionary<string, DicomTransferSyntax> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["explicit"] = DicomTransferSyntax.ExplicitVRLittleEndian,
        ["implicit"] = DicomTransferSyntax.ImplicitVRLittleEndian,
        ["rle"] = DicomTransferSyntax.RLELossless,
        ["jpeg"] = DicomTransferSyntax.JPEGBaseline8Bit,
        ["jpeg-baseline"] = DicomTransferSyntax.JPEGBaseline8Bit,
        ["jpeg-lossless"] = DicomTransferSyntax.JPEGLosslessSV1,
        ["jpeg-ls"] = DicomTransferSyntax.JPEGLSLossless,
        ["jpeg-ls-near"] = DicomTransferSyntax.JPEGLSNearLossless,
        ["j2k-lossless"] = DicomTransferSyntax.JPEG2000Lossless,
        ["j2k"] = DicomTransferSyntax.JPEG2000,
    };

    public static int Run(IReadOnlyList<string> args)
    {
        string? input = null, output = null, syntax = null;
        int quality = 90, near = 2;
        double ratio = 10;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--ts" when i + 1 < args.Count:
                    syntax = args[++i];
                    break;
                case "--quality" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out quality) && quality is >= 1 and <= 100:
                    i++;
                    break;
                case "--near" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out near) && near >= 0:
                    i++;
                    break;
                case "--ratio" when i + 1 < args.Count && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) && ratio >= 1:
                    i++;
                    break;
                case "--out" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                case var path when input is null && !path.StartsWith('-'):
                    input = path;
                    break;
                default:
                    Console.Error.WriteLine($"isocenter transcode: unexpected argument '{args[i]}'\nusage: isocenter {Usage}");
                    return 2;
            }
        }
        if (input is null || output is null || syntax is null)
        {
            Console.Error.WriteLine($"usage: isocenter {Usage}");
            return 2;
        }
        var target = Keywords.GetValueOrDefault(syntax) ?? DicomTransferSyntax.Parse(syntax);
        var codecs = DicomCodecRegistry.CreateDefault()
            .Add(new JpegCodec(DicomTransferSyntax.JPEGBaseline8Bit, quality))
            .Add(new JpegLSCodec(DicomTransferSyntax.JPEGLSNearLossless, near))
            .Add(new Jpeg2000Codec(DicomTransferSyntax.JPEG2000, ratio));
        new DicomTranscoder(codecs).Transcode(DicomFile.Open(input), target).Save(output);
        return 0;
    }
}
