using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Codecs.JpegLossless;
using Isocenter.Dicom.Imaging.Codecs.Rle;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

/// <summary>Corrupt bitstreams give a decoded frame or a <see cref="DicomDataException"/>: never another exception, a hang or a huge allocation.</summary>
public sealed class MalformedFrameTests
{
    public static TheoryData<string> Codecs() => ["rle", "jpeg", "jpeg12"];

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decode_TruncatedAtEveryLength_ReturnsOrThrowsDicomDataException(string name)
    {
        var (codec, pixelData, encoded) = Sample(name);
        var step = Math.Max(1, encoded.Length / 400);
        for (var length = 0; length < encoded.Length; length += step)
        {
            DecodeOrDataException(codec, pixelData, encoded.AsSpan(0, length).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decode_RandomByteFlips_ReturnsOrThrowsDicomDataException(string name)
    {
        var (codec, pixelData, encoded) = Sample(name);
        var random = new Random(20261122);
        for (var trial = 0; trial < 500; trial++)
        {
            var corrupt = encoded.ToArray();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                // Headers are where the damage matters most: aim half the flips at the first 200 bytes.
                var at = random.Next(2) == 0 ? random.Next(Math.Min(200, corrupt.Length)) : random.Next(corrupt.Length);
                corrupt[at] = (byte)random.Next(256);
            }
            DecodeOrDataException(codec, pixelData, corrupt);
        }
    }

    [Fact]
    public void Decode_JpegDeclaringHugeImage_ThrowsBeforeAllocating()
    {
        var (codec, pixelData, encoded) = Sample("jpeg");
        var sof = encoded.AsSpan().IndexOf(new byte[] { 0xFF, 0xC3 });
        encoded[sof + 5] = encoded[sof + 6] = encoded[sof + 7] = encoded[sof + 8] = 0xFF; // 65535 × 65535

        Assert.Throws<DicomDataException>(() => codec.Decode(pixelData, encoded, new byte[pixelData.FrameLength]));
    }

    private static void DecodeOrDataException(IDicomCodec codec, DicomPixelData pixelData, byte[] encoded)
    {
        try
        {
            codec.Decode(pixelData, encoded, new byte[pixelData.FrameLength]);
        }
        catch (DicomDataException)
        {
        }
    }

    private static (IDicomCodec Codec, DicomPixelData PixelData, byte[] Encoded) Sample(string name)
    {
        if (name == "jpeg12")
        {
            // Our C# DCT decoder, through the codec: a 12-bit Extended corpus frame.
            var extended = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile("JPEG-lossy.dcm")));
            return (new JpegCodec(DicomTransferSyntax.JPEGExtended12Bit), extended, extended.GetEncodedFrame(0).ToArray());
        }
        var (pixelData, frames) = Dcmtk.ReadFrames(Dcmtk.CorpusFile("SC_rgb_small_odd.dcm"));
        IDicomCodec codec = name == "rle" ? new RleCodec() : new JpegLosslessCodec(DicomTransferSyntax.JPEGLosslessSV1, restartRows: 1);
        return (codec, pixelData, codec.Encode(pixelData, frames[0]));
    }
}
