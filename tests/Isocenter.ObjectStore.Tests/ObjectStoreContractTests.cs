using System.Text;

namespace Isocenter.ObjectStore.Tests;

/// <summary>
/// What every <see cref="IObjectStore"/> does, run against each implementation by a subclass. Each test writes under a
/// prefix of its own, so tests sharing a bucket do not see each other's objects.
/// </summary>
public abstract class ObjectStoreContractTests
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}/";

    protected abstract IObjectStore Store { get; }

    protected static CancellationToken Token => CancellationToken.None;

    /// <summary>A key under this test's prefix.</summary>
    protected string Key(string key) => _prefix + key;

    [Fact]
    public async Task PutAsync_NewKey_ReadsBackTheSameBytesAndSize()
    {
        var content = RandomBytes(200_000, seed: 1);
        var key = Key("instances/1.2/1.2.3/1.2.3.4.dcm");

        await Store.PutAsync(key, new MemoryStream(content), Token);

        Assert.Equal(content, await ReadAsync(key));
        Assert.Equal(new ObjectInfo(key, content.Length), await Store.StatAsync(key, Token));
    }

    [Fact]
    public async Task PutAsync_StreamOfUnknownLength_ReadsBackTheSameBytes()
    {
        var content = RandomBytes(300_000, seed: 2);

        await Store.PutAsync(Key("a/b"), new ForwardOnlyStream(content), Token);

        Assert.Equal(content, await ReadAsync(Key("a/b")));
    }

    [Theory] // in reads of at most 64 KiB: exactly 1 MiB, and 2.5 MiB and some
    [InlineData(1024 * 1024)]
    [InlineData(2 * 1024 * 1024 + 512 * 1024 + 7)]
    public async Task PutAsync_LargeStreamOfUnknownLength_ReadsBackTheSameBytes(int size)
    {
        var content = RandomBytes(size, seed: 3);

        await Store.PutAsync(Key("a/large"), new ForwardOnlyStream(content), Token);

        Assert.Equal(content, await ReadAsync(Key("a/large")));
    }

    [Fact]
    public async Task PutAsync_EmptyStream_StoresAnEmptyObject()
    {
        await Store.PutAsync(Key("a/empty"), new MemoryStream(), Token);

        Assert.Empty(await ReadAsync(Key("a/empty")));
        Assert.Equal(0, (await Store.StatAsync(Key("a/empty"), Token))!.Size);
    }

    [Fact]
    public async Task PutAsync_ExistingKey_ReplacesTheObject()
    {
        await Store.PutAsync(Key("a/b"), new MemoryStream(RandomBytes(5000, seed: 1)), Token);
        await Store.PutAsync(Key("a/b"), new MemoryStream("short"u8.ToArray()), Token);

        Assert.Equal("short"u8.ToArray(), await ReadAsync(Key("a/b")));
    }

    [Fact]
    public async Task StatAsync_MissingKey_ReturnsNull() => Assert.Null(await Store.StatAsync(Key("a/missing"), Token));

    [Fact]
    public async Task OpenReadAsync_MissingKey_ThrowsObjectNotFound()
    {
        var whole = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(Key("a/missing"), Token));
        var ranged = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(Key("a/missing"), 10, 5, Token));
        var empty = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(Key("a/missing"), 0, 0, Token));

        Assert.All([whole, ranged, empty], e => Assert.Equal(Key("a/missing"), e.Key));
    }

    [Theory]
    [InlineData(0, 1000L)] // the start
    [InlineData(12_345, 54_321L)] // the middle
    [InlineData(99_000, 1000L)] // the last bytes
    [InlineData(70_000, null)] // to the end
    [InlineData(0, null)] // the whole object
    [InlineData(0, 100_000L)] // the whole object, by its length
    [InlineData(99_999, null)] // the last byte
    public async Task OpenReadAsync_Range_ReadsExactlyThoseBytes(long offset, long? length)
    {
        var content = RandomBytes(100_000, seed: 3);
        await Store.PutAsync(Key("r/object"), new MemoryStream(content), Token);

        await using var stream = await Store.OpenReadAsync(Key("r/object"), offset, length, Token);

        Assert.Equal(content[(int)offset..(int)(offset + (length ?? content.Length - offset))], await ReadAllAsync(stream));
    }

    [Theory]
    [InlineData(100_000, null)] // at the end, to the end
    [InlineData(100_000, 0L)] // at the end, nothing
    [InlineData(500, 0L)] // nothing, inside
    public async Task OpenReadAsync_EmptyRangeWithinTheObject_ReadsNothing(long offset, long? length)
    {
        await Store.PutAsync(Key("r/object"), new MemoryStream(RandomBytes(100_000, seed: 3)), Token);

        await using var stream = await Store.OpenReadAsync(Key("r/object"), offset, length, Token);

        Assert.Empty(await ReadAllAsync(stream));
    }

    [Theory]
    [InlineData(-1, null)]
    [InlineData(0, -1L)]
    [InlineData(100_001, null)] // starts past the end
    [InlineData(99_000, 1001L)] // ends past the end
    [InlineData(100_000, 1L)]
    [InlineData(1, long.MaxValue)]
    public async Task OpenReadAsync_RangeNotWithinTheObject_ThrowsArgumentOutOfRange(long offset, long? length)
    {
        await Store.PutAsync(Key("r/object"), new MemoryStream(RandomBytes(100_000, seed: 3)), Token);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(Key("r/object"), offset, length, Token));
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsMatchingObjectsInOrdinalOrder()
    {
        foreach (var key in new[] { "instances/1.2/1.3/9.dcm", "instances/1.2/1.3/10.dcm", "instances/1.2/1.30/1.dcm", "instances/1.2/1.4/1.dcm", "thumbnails/1.2/1.3.jpg", "A/upper" })
        {
            await Store.PutAsync(Key(key), new MemoryStream(Encoding.ASCII.GetBytes(key)), Token);
        }

        Assert.Equal([Key("instances/1.2/1.3/10.dcm"), Key("instances/1.2/1.3/9.dcm")], await KeysAsync(Key("instances/1.2/1.3/")));
        Assert.Equal([Key("instances/1.2/1.3/10.dcm"), Key("instances/1.2/1.3/9.dcm"), Key("instances/1.2/1.30/1.dcm")], await KeysAsync(Key("instances/1.2/1.3")));
        Assert.Equal([Key("A/upper"), Key("instances/1.2/1.3/10.dcm")], (await KeysAsync(Key(""))).Take(2)); // 'A' < 'i', ordinally
        Assert.Equal(6, (await KeysAsync(Key(""))).Count);
        Assert.Empty(await KeysAsync(Key("instances/9/")));
        var first = await Store.ListAsync(Key("instances/1.2/1.4/"), Token).SingleAsync(Token);
        Assert.Equal(new ObjectInfo(Key("instances/1.2/1.4/1.dcm"), "instances/1.2/1.4/1.dcm".Length), first);
    }

    [Fact]
    public async Task DeleteAsync_ExistingAndMissing_ReportsWhetherItDeleted()
    {
        await Store.PutAsync(Key("a/b"), new MemoryStream([1, 2, 3]), Token);

        Assert.True(await Store.DeleteAsync(Key("a/b"), Token));
        Assert.False(await Store.DeleteAsync(Key("a/b"), Token));
        Assert.Null(await Store.StatAsync(Key("a/b"), Token));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.OpenReadAsync(Key("a/b"), Token));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("a/../../outside")]
    [InlineData("/tmp/outside")]
    [InlineData("a/.hidden")]
    [InlineData("")]
    public async Task PutAsync_InvalidKey_ThrowsForEveryOperation(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, new MemoryStream([1]), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key, 0, 1, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StatAsync(key, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key, Token));
    }

    [Fact]
    public void ListAsync_InvalidPrefix_Throws() =>
        Assert.Throws<ArgumentException>(() => Store.ListAsync("../", Token));

    [Fact]
    public async Task PutAsync_SourceFailsMidway_LeavesThePreviousObject()
    {
        await Store.PutAsync(Key("a/b"), new MemoryStream([1, 2, 3]), Token);

        await Assert.ThrowsAnyAsync<IOException>(() => Store.PutAsync(Key("a/b"), new ForwardOnlyStream(new byte[100_000], failAtEnd: true), Token));

        Assert.Equal(new byte[] { 1, 2, 3 }, await ReadAsync(Key("a/b")));
    }

    protected async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, Token);
        return await ReadAllAsync(stream);
    }

    protected async Task<List<string>> KeysAsync(string prefix) => await Store.ListAsync(prefix, Token).Select(o => o.Key).ToListAsync(Token);

    protected static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Token);
        return copy.ToArray();
    }

    protected static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Known bytes from a stream that cannot seek and does not tell its length, as a request body or a socket; then its
    /// end, or, when <paramref name="failAtEnd"/>, an <see cref="IOException"/> as from a broken connection.
    /// </summary>
    internal sealed class ForwardOnlyStream(byte[] content, bool failAtEnd = false) : ForwardReadStream
    {
        private int _position;

        public override int Read(Span<byte> buffer)
        {
            if (_position == content.Length && failAtEnd && !buffer.IsEmpty)
            {
                throw new IOException("connection reset");
            }
            var n = Math.Min(Math.Min(buffer.Length, content.Length - _position), 64 * 1024);
            content.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    }
}
