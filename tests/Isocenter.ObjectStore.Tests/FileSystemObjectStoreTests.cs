using System.Text;

namespace Isocenter.ObjectStore.Tests;

public sealed class FileSystemObjectStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-objects-" + Guid.NewGuid().ToString("N"));
    private readonly FileSystemObjectStore _store;

    public FileSystemObjectStoreTests() => _store = new FileSystemObjectStore(Path.Combine(_folder, "root"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task PutAsync_NewKey_ReadsBackTheSameBytesAndSize()
    {
        var content = RandomBytes(200_000, seed: 1);
        await _store.PutAsync("instances/1.2/1.2.3/1.2.3.4.dcm", new MemoryStream(content), Token);

        Assert.Equal(content, await ReadAsync("instances/1.2/1.2.3/1.2.3.4.dcm"));
        Assert.Equal(new ObjectInfo("instances/1.2/1.2.3/1.2.3.4.dcm", content.Length), await _store.StatAsync("instances/1.2/1.2.3/1.2.3.4.dcm", Token));
        Assert.True(File.Exists(Path.Combine(_store.Root, "instances", "1.2", "1.2.3", "1.2.3.4.dcm")));
    }

    [Fact]
    public async Task PutAsync_ExistingKey_ReplacesTheObject()
    {
        await _store.PutAsync("a/b", new MemoryStream(RandomBytes(5000, seed: 1)), Token);
        await _store.PutAsync("a/b", new MemoryStream("short"u8.ToArray()), Token);

        Assert.Equal("short"u8.ToArray(), await ReadAsync("a/b"));
    }

    [Fact]
    public async Task StatAsync_MissingKey_ReturnsNull() => Assert.Null(await _store.StatAsync("a/missing", Token));

    [Fact]
    public async Task OpenReadAsync_MissingKey_ThrowsObjectNotFound()
    {
        var e = await Assert.ThrowsAsync<ObjectNotFoundException>(() => _store.OpenReadAsync("a/missing", Token));
        Assert.Equal("a/missing", e.Key);
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsMatchingObjectsInOrdinalOrderWithoutTemporaryFiles()
    {
        foreach (var key in new[] { "instances/1.2/1.3/9.dcm", "instances/1.2/1.3/10.dcm", "instances/1.2/1.30/1.dcm", "instances/1.2/1.4/1.dcm", "thumbnails/1.2/1.3.jpg" })
        {
            await _store.PutAsync(key, new MemoryStream(Encoding.ASCII.GetBytes(key)), Token);
        }
        File.WriteAllText(Path.Combine(_store.Root, "instances", "1.2", "1.3", ".9.dcm.0123.tmp"), "partial");

        Assert.Equal(["instances/1.2/1.3/10.dcm", "instances/1.2/1.3/9.dcm"], await KeysAsync("instances/1.2/1.3/"));
        Assert.Equal(["instances/1.2/1.3/10.dcm", "instances/1.2/1.3/9.dcm", "instances/1.2/1.30/1.dcm"], await KeysAsync("instances/1.2/1.3"));
        Assert.Equal(5, (await KeysAsync("")).Count);
        Assert.Empty(await KeysAsync("instances/9/"));
        var first = await _store.ListAsync("instances/1.2/1.4/", Token).SingleAsync(Token);
        Assert.Equal(new ObjectInfo("instances/1.2/1.4/1.dcm", "instances/1.2/1.4/1.dcm".Length), first);
    }

    [Fact]
    public async Task DeleteAsync_ExistingAndMissing_ReportsWhetherItDeleted()
    {
        await _store.PutAsync("a/b", new MemoryStream([1, 2, 3]), Token);

        Assert.True(await _store.DeleteAsync("a/b", Token));
        Assert.False(await _store.DeleteAsync("a/b", Token));
        Assert.Null(await _store.StatAsync("a/b", Token));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("a/../../outside")]
    [InlineData("/tmp/outside")]
    [InlineData("a/.hidden")]
    [InlineData("")]
    public async Task PutAsync_KeyEscapingTheRoot_ThrowsAndWritesNothing(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync(key, new MemoryStream([1]), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.OpenReadAsync(key, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.StatAsync(key, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.DeleteAsync(key, Token));
        Assert.Equal([Path.Combine(_folder, "root")], Directory.GetFileSystemEntries(_folder));
        Assert.Empty(Directory.GetFileSystemEntries(_store.Root));
    }

    [Fact]
    public void ListAsync_PrefixEscapingTheRoot_Throws() =>
        Assert.Throws<ArgumentException>(() => _store.ListAsync("../", Token));

    [Fact]
    public async Task PutAsync_ConcurrentPutsOfOneKey_LeaveOneWholeObjectAndNoTemporaryFile()
    {
        var contents = Enumerable.Range(0, 8).Select(i => RandomBytes(1 << 20, seed: i)).ToArray();

        await Task.WhenAll(contents.Select(c => Task.Run(() => _store.PutAsync("thumbnails/1.2/1.3.jpg", new MemoryStream(c), Token), Token)));

        var stored = await ReadAsync("thumbnails/1.2/1.3.jpg");
        Assert.Contains(contents, c => c.AsSpan().SequenceEqual(stored));
        Assert.Equal(["1.3.jpg"], Directory.GetFiles(Path.Combine(_store.Root, "thumbnails", "1.2")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task PutAsync_SourceFailsMidway_LeavesThePreviousObjectAndNoTemporaryFile()
    {
        await _store.PutAsync("a/b", new MemoryStream([1, 2, 3]), Token);

        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("a/b", new FailingStream(100_000), Token));

        Assert.Equal(new byte[] { 1, 2, 3 }, await ReadAsync("a/b"));
        Assert.Equal(["b"], Directory.GetFiles(Path.Combine(_store.Root, "a")).Select(Path.GetFileName));
    }

    private async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await _store.OpenReadAsync(key, Token);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Token);
        return copy.ToArray();
    }

    private async Task<List<string>> KeysAsync(string prefix) => await _store.ListAsync(prefix, Token).Select(o => o.Key).ToListAsync(Token);

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Gives <c>length</c> bytes, then fails as a broken connection would.</summary>
    private sealed class FailingStream(int length) : Stream
    {
        private int _left = length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_left == 0)
            {
                throw new IOException("connection reset");
            }
            var n = Math.Min(count, _left);
            _left -= n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
