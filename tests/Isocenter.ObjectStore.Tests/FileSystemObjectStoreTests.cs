namespace Isocenter.ObjectStore.Tests;

/// <summary>The contract on a temporary folder, and what is the filesystem's own: files under the root, temporary files beside them.</summary>
public sealed class FileSystemObjectStoreTests : ObjectStoreContractTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-objects-" + Guid.NewGuid().ToString("N"));
    private readonly FileSystemObjectStore _store;

    public FileSystemObjectStoreTests() => _store = new FileSystemObjectStore(Path.Combine(_folder, "root"));

    protected override IObjectStore Store => _store;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task PutAsync_NewKey_IsTheFileUnderTheRoot()
    {
        await _store.PutAsync("instances/1.2/1.2.3/1.2.3.4.dcm", new MemoryStream([1, 2, 3]), Token);

        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(_store.Root, "instances", "1.2", "1.2.3", "1.2.3.4.dcm")));
    }

    [Fact]
    public async Task ListAsync_TemporaryFileBesideObjects_IsNotListed()
    {
        await _store.PutAsync(Key("1.3/9.dcm"), new MemoryStream([1]), Token);
        File.WriteAllText(Path.Combine(_store.Root, Key("1.3/.9.dcm.0123.tmp")), "partial");

        Assert.Equal([Key("1.3/9.dcm")], await KeysAsync(Key("")));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("a/../../outside")]
    [InlineData("/tmp/outside")]
    public async Task PutAsync_KeyEscapingTheRoot_WritesNothing(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync(key, new MemoryStream([1]), Token));

        Assert.Equal([Path.Combine(_folder, "root")], Directory.GetFileSystemEntries(_folder));
        Assert.Empty(Directory.GetFileSystemEntries(_store.Root));
    }

    [Fact]
    public async Task PutAsync_ConcurrentPutsOrAFailingSource_LeaveNoTemporaryFile()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => _store.PutAsync("a/b", new MemoryStream(RandomBytes(1 << 20, seed: i)), Token), Token)));
        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("a/b", new ForwardOnlyStream(new byte[1000], failAtEnd: true), Token));

        Assert.Equal(["b"], Directory.GetFiles(Path.Combine(_store.Root, "a")).Select(Path.GetFileName));
    }

    // Here, not in the contract: S3 and MinIO replace an object atomically, but s3rver (the test peer) writes a PUT into
    // the file in place, so concurrent PUTs of one key can interleave there.
    [Fact]
    public async Task PutAsync_ConcurrentPutsOfOneKey_LeaveOneWholeObject()
    {
        var contents = Enumerable.Range(0, 8).Select(i => RandomBytes(1 << 20, seed: i)).ToArray();

        await Task.WhenAll(contents.Select(c => Task.Run(() => Store.PutAsync(Key("thumbnails/1.2/1.3.jpg"), new MemoryStream(c), Token), Token)));

        var stored = await ReadAsync(Key("thumbnails/1.2/1.3.jpg"));
        Assert.Contains(contents, c => c.AsSpan().SequenceEqual(stored));
    }
}
