using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Tests.Codecs;

namespace Isocenter.Dicom.Imaging.Tests.Frames;

public sealed class DicomPixelDataTests
{
    [Fact]
    public void Create_CorpusFile_ReadsImagePixelModule()
    {
        var pixelData = DicomPixelData.Create(DicomFile.Open(Dcmtk.CorpusFile("rtdose.dcm")));

        Assert.Equal((10, 10, 1, 32, 32, 31, 0, 15), (pixelData.Rows, pixelData.Columns, pixelData.SamplesPerPixel, pixelData.BitsAllocated,
            pixelData.BitsStored, pixelData.HighBit, pixelData.PixelRepresentation, pixelData.NumberOfFrames));
        Assert.False(pixelData.IsEncapsulated);
        Assert.Equal(400, pixelData.FrameLength);
    }

    [Fact]
    public void GetNativeFrame_MultiFrame_SlicesAtFrameOffsets()
    {
        var file = DicomFile.Open(Dcmtk.CorpusFile("rtdose.dcm"));
        var all = file.Dataset.GetElement(DicomTag.PixelData).Buffer.Memory.ToArray();
        var pixelData = DicomPixelData.Create(file);

        for (var i = 0; i < pixelData.NumberOfFrames; i++)
        {
            Assert.Equal(all.AsSpan(i * 400, 400).ToArray(), pixelData.GetNativeFrame(i));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => pixelData.GetNativeFrame(15));
    }

    [Fact]
    public void GetNativeFrame_BitsAllocated1_UnalignedFramesAreShifted()
    {
        // Two 3×3 frames of 9 bits each: the second starts at bit 9 of the value.
        var dataset = RleCodecTests.Image(rows: 3, columns: 3, bitsAllocated: 1).Set(DicomTag.NumberOfFrames, "2");
        dataset.Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(new byte[] { 0b0000_0001, 0b1111_1110, 0b0000_0011 })));
        var pixelData = DicomPixelData.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian);

        Assert.Equal(2, pixelData.FrameLength);
        Assert.Equal(new byte[] { 0b0000_0001, 0b0000_0000 }, pixelData.GetNativeFrame(0));
        Assert.Equal(new byte[] { 0b1111_1111, 0b0000_0001 }, pixelData.GetNativeFrame(1));
        Assert.Equal(1, pixelData.ReadSample(pixelData.GetNativeFrame(1), 8));
    }

    [Fact]
    public void GetNativeFrame_OddLengthValue_ReturnsWholeFrame()
    {
        var dataset = RleCodecTests.Image(rows: 3, columns: 3, bitsAllocated: 8);
        dataset.Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })));

        var frame = DicomPixelData.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian).GetNativeFrame(0);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, frame);
    }

    [Fact]
    public void ReadSample_SignedBitsStoredBelowHighBit_MasksAndExtendsSign()
    {
        var dataset = RleCodecTests.Image(rows: 1, columns: 2, bitsAllocated: 16)
            .Set(DicomTag.BitsStored, (ushort)12).Set(DicomTag.HighBit, (ushort)11).Set(DicomTag.PixelRepresentation, (ushort)1);
        var pixelData = DicomPixelData.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
        byte[] frame = [0xFF, 0xFF, 0xFF, 0x07]; // 0xFFFF: -1 in 12 bits with garbage above; 0x07FF: 2047

        Assert.Equal(-1, pixelData.ReadSample(frame, 0));
        Assert.Equal(2047, pixelData.ReadSample(frame, 1));
    }

    [Fact]
    public void GetEncodedFrame_BasicOffsetTable_JoinsFragmentsOfEachFrame()
    {
        // Frame 1 = fragments 1 and 2 (4 + 2 bytes), frame 2 = fragment 3; offsets count item headers (8 bytes each).
        var pixelData = Encapsulated(frames: 2, offsets: [0, 8 + 4 + 8 + 2], [1, 2, 3, 4], [5, 6], [7, 8]);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, pixelData.GetEncodedFrame(0).ToArray());
        Assert.Equal(new byte[] { 7, 8 }, pixelData.GetEncodedFrame(1).ToArray());
    }

    [Fact]
    public void GetEncodedFrame_ExtendedOffsetTable_TakesPrecedence()
    {
        var pixelData = Encapsulated(frames: 2, offsets: [], [1, 2], [3, 4], [5, 6]);
        pixelData.Dataset.Set<ulong>(DicomTag.ExtendedOffsetTable, DicomVR.OV, 0, 10);
        pixelData = DicomPixelData.Create(pixelData.Dataset, DicomTransferSyntax.RLELossless);

        Assert.Equal(new byte[] { 1, 2 }, pixelData.GetEncodedFrame(0).ToArray());
        Assert.Equal(new byte[] { 3, 4, 5, 6 }, pixelData.GetEncodedFrame(1).ToArray());
    }

    [Fact]
    public void GetEncodedFrame_NoOffsetTableOneFragmentPerFrame_MapsFragmentsToFrames()
    {
        var pixelData = Encapsulated(frames: 2, offsets: [], [1, 2], [3, 4]);

        Assert.Equal(new byte[] { 3, 4 }, pixelData.GetEncodedFrame(1).ToArray());
    }

    [Fact]
    public void GetEncodedFrame_NoOffsetTableMoreFragments_SplitsAfterJpegEndOfImage()
    {
        var pixelData = Encapsulated(frames: 2, offsets: [], [0xFF, 0xD8, 1, 2], [3, 0xFF, 0xD9, 0], [0xFF, 0xD8, 4, 5], [0xFF, 0xD9]);

        Assert.Equal(new byte[] { 0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9, 0 }, pixelData.GetEncodedFrame(0).ToArray());
        Assert.Equal(new byte[] { 0xFF, 0xD8, 4, 5, 0xFF, 0xD9 }, pixelData.GetEncodedFrame(1).ToArray());
    }

    [Fact]
    public void GetEncodedFrame_SingleFrame_JoinsAllFragments()
    {
        var pixelData = Encapsulated(frames: 1, offsets: [], [1, 2], [3, 4]);

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, pixelData.GetEncodedFrame(0).ToArray());
    }

    private static DicomPixelData Encapsulated(int frames, uint[] offsets, params byte[][] fragments)
    {
        var dataset = RleCodecTests.Image(rows: 2, columns: 2, bitsAllocated: 8).Set(DicomTag.NumberOfFrames, $"{frames}");
        var table = offsets.SelectMany(BitConverter.GetBytes).ToArray();
        dataset.Add(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(table), fragments.Select(f => DicomBuffer.FromBytes(f))));
        return DicomPixelData.Create(dataset, DicomTransferSyntax.RLELossless);
    }
}
