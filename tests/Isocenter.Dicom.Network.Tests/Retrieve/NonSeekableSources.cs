using Isocenter.Dicom.Network.Retrieve;

namespace Isocenter.Dicom.Network.Tests.Retrieve;

/// <summary>
/// Sources that read files the way an object store's response does: through a stream that cannot seek and returns at most
/// 1000 bytes a read; counts how many are open at once.
/// </summary>
internal sealed class NonSeekableSources
{
    private int _open;
    private int _mostOpen;
    private int _opened;

    /// <summary>The most streams that were open at the same time.</summary>
    public int MostOpen => Volatile.Read(ref _mostOpen);

    /// <summary>How many streams were opened.</summary>
    public int Opened => Volatile.Read(ref _opened);

    public DicomFileSource For(string path) => new("objects/" + Path.GetFileName(path), _ =>
    {
        var open = Interlocked.Increment(ref _open);
        Interlocked.Increment(ref _opened);
        int most;
        while (open > (most = Volatile.Read(ref _mostOpen)) && Interlocked.CompareExchange(ref _mostOpen, open, most) != most)
        {
        }
        return Task.FromResult<Stream>(new NonSeekableStream(File.OpenRead(path), () => Interlocked.Decrement(ref _open)));
    });

    /// <summary>A read-only stream over another that cannot seek and returns short reads.</summary>
    internal sealed class NonSeekableStream(Stream inner, Action? onDispose = null) : Stream
    {
        private const int MaxRead = 1000;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, MaxRead));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer[..Math.Min(buffer.Length, MaxRead)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                onDispose?.Invoke();
            }
            base.Dispose(disposing);
        }
    }
}
