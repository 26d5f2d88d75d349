using System.Diagnostics;
using Isocenter.Dicom.IO;

namespace Isocenter.Dicom.Tests.IO;

/// <summary>
/// Damaged and hostile input: whatever the bytes, reading ends quickly with a <see cref="DicomReadException"/> or with a
/// dataset that says in <see cref="DicomFile.Warnings"/> what was wrong; never another exception, never a hang, never a
/// huge allocation. Also lazy bulk data and stopping before pixel data.
/// </summary>
public class MalformedInputTests
{
    public static TheoryData<string> WritableSyntaxes => [.. DicomTransferSyntax.Writable.Select(ts => ts.Name)];

    private static DicomTransferSyntax Syntax(string name) => DicomTransferSyntax.Writable.Single(ts => ts.Name == name);

    [Theory]
    [MemberData(nameof(WritableSyntaxes))]
    public void Open_TruncatedAtEveryOffset_ThrowsOrWarns(string syntax)
    {
        var dataset = SampleFiles.Dataset();
        var bytes = SampleFiles.Bytes(dataset, Syntax(syntax));
        var elements = dataset.ToList();
        var clock = Stopwatch.StartNew();
        for (var length = 0; length < bytes.Length; length++)
        {
            var outcome = Read(bytes.AsMemory(0, length));
            if (outcome.Exception is not null || outcome.File!.Warnings.Count > 0)
            {
                continue;
            }
            // Cut exactly between two top-level elements, the bytes are a complete, shorter dataset (a Part 10 stream has no
            // end marker): then what was read is the elements before the cut. Raw deflate (RFC 1951) has no length or
            // checksum either: cut in its last bits, after the data, it still inflates to the whole dataset.
            var read = outcome.File.Dataset;
            Assert.True(read.Count < elements.Count || Syntax(syntax).IsDeflated, $"{length} of {bytes.Length} bytes: read without warnings as the complete dataset");
            DatasetAssert.Equal(new DicomDataset(elements.Take(read.Count)), read, implicitVR: !Syntax(syntax).IsExplicitVR);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"reading {bytes.Length} truncations took {clock.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(WritableSyntaxes))]
    public void Open_RandomByteFlips_ThrowsOrReadsWhatCanBeWritten(string syntax)
    {
        var bytes = SampleFiles.Bytes(SampleFiles.Dataset(), Syntax(syntax));
        var random = new Random(20240229 + syntax.Length);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 1500; i++)
        {
            var damaged = bytes.ToArray();
            var flips = random.Next(1, 5);
            for (var f = 0; f < flips; f++)
            {
                damaged[random.Next(128, damaged.Length)] ^= (byte)random.Next(1, 256);
            }
            var outcome = Read(damaged);
            if (outcome.File is { } file)
            {
                AssertWritable(file, $"flip run {i}");
            }
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"reading 1500 damaged files took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(0xFFFFFFF0u, true)]
    [InlineData(0xFFFFFFF0u, false)]
    [InlineData(0x7FFFFFF0u, true)]
    [InlineData(0x7FFFFFF0u, false)]
    public void Open_HugeLengthInSmallStream_FailsFastWithoutAllocating(uint length, bool seekable)
    {
        // (0009,0010) LO "X " then (0009,1000) OB announcing `length` bytes, of which 16 follow.
        using var data = new MemoryStream();
        data.Write([0x09, 0, 0x10, 0, (byte)'L', (byte)'O', 2, 0, (byte)'X', (byte)' ']);
        data.Write([0x09, 0, 0x00, 0x10, (byte)'O', (byte)'B', 0, 0]);
        data.Write(BitConverter.GetBytes(length));
        data.Write(new byte[16]);
        var bytes = data.ToArray();

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var strict = new DicomReadOptions { TolerateTruncation = false };
        Assert.Throws<DicomReadException>(() => DicomFile.Open(Open(bytes, seekable), strict));
        var tolerant = Read(bytes, seekable);
        Assert.True(tolerant.Exception is not null || tolerant.File!.Warnings.Count > 0);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 16 << 20, $"allocated {GC.GetAllocatedBytesForCurrentThread() - allocated} bytes");
    }

    [Theory]
    [InlineData(0xFFFFFFF0u)]
    [InlineData(0x7FFFFFF0u)]
    public void Open_HugeLengthInMetaHeader_ThrowsWithoutAllocating(uint length)
    {
        using var data = new MemoryStream();
        data.Write(new byte[128]);
        data.Write("DICM"u8);
        data.Write([0x02, 0, 0x01, 0, (byte)'O', (byte)'B', 0, 0]);
        data.Write(BitConverter.GetBytes(length));
        data.Write(new byte[16]);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<DicomReadException>(() => DicomFile.Open(Open(data.ToArray(), seekable: false)));
        Assert.Throws<DicomReadException>(() => DicomFile.Open(Open(data.ToArray(), seekable: true)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 16 << 20, $"allocated {GC.GetAllocatedBytesForCurrentThread() - allocated} bytes");
    }

    [Theory]
    [InlineData(true, 64)]
    [InlineData(true, 65)]
    [InlineData(true, 100_000)]
    [InlineData(false, 64)]
    [InlineData(false, 65)]
    [InlineData(false, 100_000)]
    public void Open_NestedSequences_AcceptsMaxDepthAndRefusesDeeper(bool explicitVR, int depth)
    {
        // `depth` undefined-length sequences, each holding one item that holds the next, in the default MaxDepth (64).
        using var data = new MemoryStream();
        var header = explicitVR
            ? new byte[] { 0x08, 0, 0x40, 0x11, (byte)'S', (byte)'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF }
            : [0x08, 0, 0x40, 0x11, 0xFF, 0xFF, 0xFF, 0xFF];
        byte[] item = [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF];
        byte[] itemEnd = [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0];
        byte[] sequenceEnd = [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0];
        for (var i = 0; i < depth; i++)
        {
            data.Write(header);
            data.Write(item);
        }
        for (var i = 0; i < depth; i++)
        {
            data.Write(itemEnd);
            data.Write(sequenceEnd);
        }
        var bytes = data.ToArray();

        if (depth <= DicomReadOptions.Default.MaxDepth)
        {
            var file = DicomFile.Open(new MemoryStream(bytes));
            Assert.Contains("No Transfer Syntax UID", Assert.Single(file.Warnings), StringComparison.Ordinal); // a bare dataset
            var levels = 0;
            for (var d = file.Dataset; d.GetSequence(DicomTag.ReferencedImageSequence) is { } sq; d = sq.Items[0])
            {
                levels++;
            }
            Assert.Equal(depth, levels);
        }
        else
        {
            var e = Assert.Throws<DicomReadException>(() => DicomFile.Open(new MemoryStream(bytes)));
            Assert.Contains("nested deeper than 64", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Open_MaxDepthOption_IsHonoured()
    {
        var dataset = new DicomDataset();
        var inner = dataset;
        for (var i = 0; i < 3; i++)
        {
            var item = new DicomDataset();
            inner.Set(DicomTag.ReferencedImageSequence, item);
            inner = item;
        }
        var bytes = SampleFiles.Bytes(dataset.Set(DicomTag.SOPClassUID, "1.2.3").Set(DicomTag.SOPInstanceUID, "1.2.3.4"), DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Empty(DicomFile.Open(new MemoryStream(bytes), new DicomReadOptions { MaxDepth = 3 }).Warnings);
        Assert.Throws<DicomReadException>(() => DicomFile.Open(new MemoryStream(bytes), new DicomReadOptions { MaxDepth = 2 }));
    }

    public static TheoryData<string, byte[]> Garbage()
    {
        var random = new Random(7);
        var data = new TheoryData<string, byte[]>
        {
            { "one byte", [0x42] },
            { "7 bytes", [1, 2, 3, 4, 5, 6, 7] },
            { "zeros", new byte[1000] },
            { "preamble only", new byte[128] },
            { "preamble and DICM", [.. new byte[128], .. "DICM"u8] },
            { "text", "This is not a DICOM file.\nIt is a text file with a few lines in it.\n"u8.ToArray() },
            { "JSON", """{"00100010":{"vr":"PN","Value":[{"Alphabetic":"Doe^John"}]}}"""u8.ToArray() },
            { "PNG header", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 2, 0, 0, 0] },
            { "all 0xFF", Enumerable.Repeat((byte)0xFF, 300).ToArray() },
            { "item tags", [.. Enumerable.Repeat<byte[]>([0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF], 20).SelectMany(b => b)] },
        };
        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(8, 4000)];
            random.NextBytes(bytes);
            data.Add($"random {i}", bytes);
            data.Add($"random {i} after DICM", [.. new byte[128], .. "DICM"u8, .. bytes]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Open_Garbage_ThrowsOrWarns(string what, byte[] bytes)
    {
        var clock = Stopwatch.StartNew();
        var outcome = Read(bytes);
        if (outcome.File is { Warnings.Count: 0 } file)
        {
            Assert.Fail($"{what}: read without complaint as {file.Dataset.Count} element(s): {string.Join(", ", file.Dataset.Take(5))}");
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{what}: took {clock.Elapsed}");
    }

    [Fact]
    public void Open_EmptyFile_Throws()
    {
        var path = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<DicomReadException>(() => DicomFile.Open(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Throws<DicomReadException>(() => DicomFile.Open(new MemoryStream()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_TruncatedFileFromPathWithoutTolerance_ThrowsTruncation()
    {
        var bytes = SampleFiles.Bytes(SampleFiles.Dataset(), DicomTransferSyntax.ExplicitVRLittleEndian);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes[..^10]);
            var e = Assert.Throws<DicomReadException>(() => DicomFile.Open(path, new DicomReadOptions { TolerateTruncation = false }));
            Assert.True(e.IsTruncation, e.Message);
            Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
            Assert.NotEmpty(DicomFile.Open(path).Warnings);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_CorruptDeflatedData_ThrowsDicomReadException()
    {
        var bytes = SampleFiles.Bytes(SampleFiles.Dataset(), DicomTransferSyntax.DeflatedExplicitVRLittleEndian);
        var metaEnd = bytes.Length - Deflate(SampleFiles.Dataset()).Length;
        for (var i = metaEnd; i < Math.Min(bytes.Length, metaEnd + 64); i++)
        {
            var damaged = bytes.ToArray();
            damaged[i] ^= 0xFF;
            Read(damaged); // asserts the exception type
        }
    }

    [Theory]
    [MemberData(nameof(WritableSyntaxes))]
    public void Open_FromPathLeavingBigValuesInTheFile_GivesTheBytesOfAnEagerRead(string syntax)
    {
        var transferSyntax = Syntax(syntax);
        var bytes = SampleFiles.Bytes(SampleFiles.Dataset(pixelBytes: 4096, bulkBytes: 1001), transferSyntax);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes);
            var lazy = DicomFile.Open(path, new DicomReadOptions { LazyBulkDataThreshold = 1000 });
            var eager = DicomFile.Open(new MemoryStream(bytes));

            var big = lazy.Dataset.OfType<DicomValueElement>().Where(e => e.Length >= 1000).ToList();
            Assert.Equal(2, big.Count);
            foreach (var element in big)
            {
                // Deflated data cannot be read in place: it is read into memory whatever its size.
                Assert.Equal(transferSyntax.IsDeflated, element.Buffer.IsLoaded);
                var expected = eager.Dataset.GetElement(element.Tag).Buffer.Memory.ToArray();
                Assert.Equal(expected, element.Buffer.Memory.ToArray());
                using var copy = new MemoryStream();
                element.Buffer.CopyTo(copy);
                Assert.Equal(expected, copy.ToArray());
            }
            Assert.All(lazy.Dataset.OfType<DicomValueElement>().Where(e => e.Length < 1000), e => Assert.True(e.Buffer.IsLoaded, e.ToString()));
            DatasetAssert.Equal(eager.Dataset, lazy.Dataset);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(WritableSyntaxes))]
    public void Open_FromSeekableStreamWithLazyFromStream_LeavesBigValuesInTheStream(string syntax)
    {
        var transferSyntax = Syntax(syntax);
        var bytes = SampleFiles.Bytes(SampleFiles.Dataset(pixelBytes: 4096, bulkBytes: 1001), transferSyntax);
        using var stream = new MemoryStream(bytes);

        var lazy = DicomFile.Open(stream, new DicomReadOptions { LazyBulkDataThreshold = 1000, LazyFromStream = true });
        var eager = DicomFile.Open(new MemoryStream(bytes));

        var big = lazy.Dataset.OfType<DicomValueElement>().Where(e => e.Length >= 1000).ToList();
        Assert.Equal(2, big.Count);
        Assert.All(big, e => Assert.Equal(transferSyntax.IsDeflated, e.Buffer.IsLoaded));
        DatasetAssert.Equal(eager.Dataset, lazy.Dataset);
        stream.Dispose();
        if (!transferSyntax.IsDeflated)
        {
            var e = Assert.Throws<DicomDataException>(() => big[0].Buffer.Memory);
            Assert.Contains("Keep the stream open", e.Message, StringComparison.Ordinal);
        }
    }

    [CorpusTheory]
    [MemberData(nameof(CorpusFiles))]
    public void Open_CorpusFileFromPath_LazyValuesEqualEagerRead(string file)
    {
        var lazy = Corpus.Open(file, new DicomReadOptions { LazyBulkDataThreshold = 512 });
        var eager = DicomFile.Open(new MemoryStream(File.ReadAllBytes(Corpus.PathOf(file))));
        DatasetAssert.Equal(eager.Dataset, lazy.Dataset);
        Assert.Equal(eager.Warnings.Count, lazy.Warnings.Count);
    }

    public static TheoryData<string> CorpusFiles => Corpus.IsPresent ? [.. Corpus.Files] : ["(corpus missing)"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_StopBeforePixelData_StopsThere(bool seekable)
    {
        var dataset = SampleFiles.Dataset(pixelBytes: 1 << 20);
        dataset.Set(DicomTag.DataSetTrailingPadding, DicomVR.OB, new byte[16]);
        var bytes = SampleFiles.Bytes(dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
        using var stream = new ForwardOnlyStream(new MemoryStream(bytes));

        var file = DicomFile.Open(seekable ? new MemoryStream(bytes) : stream, new DicomReadOptions { StopBeforePixelData = true });

        Assert.True(file.StoppedBeforePixelData);
        Assert.Empty(file.Warnings);
        Assert.False(file.Dataset.Contains(DicomTag.PixelData));
        Assert.False(file.Dataset.Contains(DicomTag.DataSetTrailingPadding));
        DatasetAssert.Equal(new DicomDataset(dataset.Where(e => e.Tag < DicomTag.PixelData)), file.Dataset);
        if (!seekable)
        {
            Assert.True(stream.BytesRead < 64 * 1024, $"read {stream.BytesRead} of {bytes.Length} bytes");
        }
    }

    [Fact]
    public void Open_StopBeforePixelDataWithoutPixelData_ReadsEverything()
    {
        var dataset = SampleFiles.Dataset();
        dataset.Remove(DicomTag.PixelData);
        var file = DicomFile.Open(new MemoryStream(SampleFiles.Bytes(dataset, DicomTransferSyntax.ExplicitVRLittleEndian)), new DicomReadOptions { StopBeforePixelData = true });
        Assert.False(file.StoppedBeforePixelData);
        DatasetAssert.Equal(dataset, file.Dataset);
    }

    private sealed record Outcome(DicomFile? File, DicomReadException? Exception);

    /// <summary>Reads <paramref name="bytes"/>; fails the test for any exception but <see cref="DicomReadException"/>.</summary>
    private static Outcome Read(ReadOnlyMemory<byte> bytes, bool seekable = true)
    {
        try
        {
            return new Outcome(DicomFile.Open(Open(bytes.ToArray(), seekable)), null);
        }
        catch (DicomReadException e)
        {
            return new Outcome(null, e);
        }
        catch (Exception e)
        {
            Assert.Fail($"reading {bytes.Length} bytes threw {e.GetType().Name}, not DicomReadException: {e}");
            throw;
        }
    }

    private static Stream Open(byte[] bytes, bool seekable) => seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(new MemoryStream(bytes));

    // Whatever was read can be written again, or is refused as invalid data; the writer never fails otherwise.
    private static void AssertWritable(DicomFile file, string what)
    {
        try
        {
            using var output = new MemoryStream();
            var syntax = DicomTransferSyntax.Writable.Contains(file.TransferSyntax) ? file.TransferSyntax : DicomTransferSyntax.ExplicitVRLittleEndian;
            DicomWriter.Write(output, file.Dataset, syntax);
        }
        catch (DicomDataException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: writing what was read threw {e.GetType().Name}: {e}");
        }
    }

    private static byte[] Deflate(DicomDataset dataset)
    {
        using var output = new MemoryStream();
        DicomWriter.Write(output, dataset, DicomTransferSyntax.DeflatedExplicitVRLittleEndian);
        return output.ToArray();
    }
}
