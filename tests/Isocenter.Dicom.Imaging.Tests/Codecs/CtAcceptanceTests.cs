using Isocenter.Cli.Demo;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

/// <summary>
/// The imaging issue's acceptance test: a generated CT set (4 slices of 256×256, 16-bit signed, Bits Stored 12) compressed
/// by DCMTK and GDCM decodes with our codecs to what the same toolkit's decompressor writes: exactly when lossless (and then
/// also to the original), within the decoder's tolerance when lossy.
/// </summary>
public sealed class CtAcceptanceTests(CtAcceptanceTests.CtSet ct) : IClassFixture<CtAcceptanceTests.CtSet>
{
    /// <summary>The CT set, written once for the class as Explicit VR Little Endian files.</summary>
    public sealed class CtSet : IDisposable
    {
        public CtSet()
        {
            var generator = new SyntheticCtGenerator(new SyntheticCtOptions { Patients = 1, Slices = 4, Size = 256, Seed = 7 });
            Files = [.. generator.Generate().Select((instance, i) =>
            {
                var path = Path.Combine(Folder, $"ct{i + 1}.dcm");
                new DicomFile(instance.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
                return path;
            })];
        }

        public string Folder { get; } = Dcmtk.TempFolder();

        public string[] Files { get; }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    [Theory]
    [InlineData("dcmcjpeg", "+e1", "dcmdjpeg", "")] // JPEG Lossless SV1
    [InlineData("dcmcjpeg", "", "dcmdjpeg", "")] // dcmcjpeg's default: also SV1
    [InlineData("dcmcrle", "", "dcmdrle", "")]
    [InlineData("dcmcjpls", "", "dcmdjpls", "")]
    [InlineData("gdcmconv", "--j2k", "gdcmconv", "--raw")]
    [InlineData("gdcmconv", "--jpegls", "gdcmconv", "--raw")]
    public void Decode_LosslessCompressedCt_EqualsReferenceAndOriginal(string compressor, string option, string decompressor, string decompressorOption)
    {
        foreach (var original in ct.Files)
        {
            var compressed = Compress(compressor, option, original);
            var (pixelData, ours) = Dcmtk.ReadFrames(compressed);
            var (_, reference) = Dcmtk.Decompress(decompressor, compressed, Options(decompressorOption));
            var (_, native) = Dcmtk.ReadFrames(original);

            Assert.True(pixelData.IsEncapsulated, $"{compressor} {option} left {original} native");
            JpegCodecTests.AssertFramesClose(reference, ours, 0);
            JpegCodecTests.AssertFramesClose(native, ours, 0);
        }
    }

    /// <summary>
    /// <c>+eb</c> makes 8-bit baseline (libturbojpeg decodes it; byte for byte with libjpeg-turbo 2.1.5, the test allows
    /// <see cref="JpegCodecTests"/>' tolerance); <c>+ee</c> makes 12-bit extended, which our C# decoder decodes with IJG 6b's arithmetic: exactly.
    /// </summary>
    [Theory]
    [InlineData("+eb", "1.2.840.10008.1.2.4.50", JpegCodecTests.Tolerance)]
    [InlineData("+ee", "1.2.840.10008.1.2.4.51", 0)]
    public void Decode_LossyJpegCt_EqualsDcmdjpeg(string option, string transferSyntax, int tolerance)
    {
        foreach (var original in ct.Files)
        {
            var compressed = Compress("dcmcjpeg", option, original);
            var (pixelData, ours) = Dcmtk.ReadFrames(compressed);
            var (_, reference) = Dcmtk.Decompress("dcmdjpeg", compressed);

            Assert.Equal(transferSyntax, pixelData.TransferSyntax.Uid);
            JpegCodecTests.AssertFramesClose(reference, ours, tolerance);
        }
    }

    private string Compress(string tool, string option, string original)
    {
        var compressed = Path.Combine(ct.Folder, $"{Path.GetFileNameWithoutExtension(original)}-{tool}{option}.dcm");
        if (!File.Exists(compressed))
        {
            Dcmtk.Run(tool, [.. Options(option), original, compressed]);
        }
        return compressed;
    }

    private static string[] Options(string option) => option.Length == 0 ? [] : [option];
}
