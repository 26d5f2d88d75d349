using System.IO.Hashing;
using Isocenter.ObjectStore;

namespace Isocenter.Archive.Store;

/// <summary>
/// What goes into the object store for one instance: the Part 10 header, the dataset prefix already read, then the rest of
/// the dataset as it arrives from the network; counts the bytes and checksums them (<see cref="ObjectChecksum"/>) on the
/// way. Read asynchronously only: the network side can be fed by a read loop (a DIMSE association's) that a synchronous
/// wait would block for good.
/// </summary>
internal sealed class InstanceUploadStream(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> prefix, Stream network, Action onNetworkEnd) : ForwardReadStream
{
    private readonly XxHash128 _hash = new();
    private ReadOnlyMemory<byte> _header = header;
    private ReadOnlyMemory<byte> _prefix = prefix;
    private bool _ended;
    private long _length;

    /// <summary>True when reading the network failed (the association ended before the dataset did).</summary>
    public bool NetworkFailed { get; private set; }

    /// <summary>Bytes read so far: the object's size once the stream has ended.</summary>
    public long BytesRead => _length;

    /// <summary>The <see cref="ObjectChecksum"/> of the bytes read so far.</summary>
    public string Checksum => ObjectChecksum.Of(_hash);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (!_header.IsEmpty)
        {
            read = Take(ref _header, buffer);
        }
        else if (!_prefix.IsEmpty)
        {
            read = Take(ref _prefix, buffer);
        }
        else if (_ended || buffer.IsEmpty)
        {
            return 0;
        }
        else
        {
            try
            {
                read = await network.ReadAsync(buffer, cancellationToken);
            }
            catch
            {
                NetworkFailed = true;
                throw;
            }
            if (read == 0)
            {
                _ended = true;
                onNetworkEnd();
                return 0;
            }
        }
        _hash.Append(buffer.Span[..read]);
        _length += read;
        return read;
    }

    public override int Read(Span<byte> buffer) =>
        throw new NotSupportedException("Read asynchronously: the dataset comes from the network.");

    private static int Take(ref ReadOnlyMemory<byte> source, Memory<byte> destination)
    {
        var count = Math.Min(source.Length, destination.Length);
        source.Span[..count].CopyTo(destination.Span);
        source = source[count..];
        return count;
    }
}
