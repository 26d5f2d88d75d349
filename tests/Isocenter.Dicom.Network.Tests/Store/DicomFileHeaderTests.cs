using Isocenter.Dicom.Network.Store;
using Isocenter.Dicom.Network.Tests.Retrieve;

namespace Isocenter.Dicom.Network.Tests.Store;

/// <summary>Reading where a Part 10 file's dataset starts, from seekable and non-seekable streams (PS3.10 7.1).</summary>
public sealed class DicomFileHeaderTests : IDisposable
{
    private readonly string _directory = TestFiles.NewDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ReadAsync_NonSeekableStream_LeavesItWhereTheDataSetStarts()
    {
        var file = TestFiles.WriteCtSeries(_directory, 1, DicomTransferSyntax.ExplicitVRLittleEndian, size: 16)[0];
        await using var stream = new NonSeekableSources.NonSeekableStream(File.OpenRead(file));

        var header = await DicomFileHeader.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(DicomFileHeader.Read(file), header);
        using var rest = new MemoryStream();
        await stream.CopyToAsync(rest, CancellationToken.None);
        Assert.Equal(TestFiles.DataSetBytes(file), rest.ToArray());
    }

    [Fact]
    public void Read_NonSeekableStream_StopsAtTheGroupLength()
    {
        var file = TestFiles.WriteCtSeries(_directory, 1, DicomTransferSyntax.ImplicitVRLittleEndian, size: 16)[0];
        using var stream = new NonSeekableSources.NonSeekableStream(File.OpenRead(file));

        var header = DicomFileHeader.Read(stream);

        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, header.TransferSyntax);
        using var rest = new MemoryStream();
        stream.CopyTo(rest);
        Assert.Equal(TestFiles.DataSetBytes(file), rest.ToArray());
    }

    [Fact]
    public async Task ReadAsync_NoGroupLength_SeekableReadsNonSeekableRefuses()
    {
        var bytes = File.ReadAllBytes(TestFiles.WriteCtSeries(_directory, 1, DicomTransferSyntax.ExplicitVRLittleEndian, size: 16)[0]);
        byte[] withoutGroupLength = [.. bytes[..132], .. bytes[144..]]; // (0002,0000) UL 4 is the 12 bytes after DICM

        var header = await DicomFileHeader.ReadAsync(new MemoryStream(withoutGroupLength), CancellationToken.None);
        await Assert.ThrowsAsync<DicomReadException>(() =>
            DicomFileHeader.ReadAsync(new NonSeekableSources.NonSeekableStream(new MemoryStream(withoutGroupLength)), CancellationToken.None));

        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, header.TransferSyntax);
        Assert.Equal(DicomFileHeader.Read(new MemoryStream(bytes)).DataSetOffset - 12, header.DataSetOffset);
    }
}
