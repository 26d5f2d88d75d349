namespace Isocenter.ObjectStore;

/// <summary>
/// A stream that is read from start to end, once, as object-store puts read what they store: what is not reading throws
/// <see cref="NotSupportedException"/>.
/// </summary>
public abstract class ForwardReadStream : Stream
{
    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public abstract override int Read(Span<byte> buffer);

    /// <inheritdoc/>
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The next <paramref name="length"/> bytes of <paramref name="inner"/>, which it disposes.</summary>
internal sealed class LimitedStream(Stream inner, long length) : ForwardReadStream
{
    private long _left = length;

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        _left -= read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
        _left -= read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>The bytes of <paramref name="first"/>, then those of <paramref name="second"/>; disposes neither.</summary>
public sealed class ConcatenatedStream(Stream first, Stream second) : ForwardReadStream
{
    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        var read = first.Read(buffer);
        return read > 0 || buffer.IsEmpty ? read : second.Read(buffer);
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await first.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return read > 0 || buffer.IsEmpty ? read : await second.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }
}
