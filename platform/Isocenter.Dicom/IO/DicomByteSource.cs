using System.Buffers.Binary;

namespace Isocenter.Dicom.IO;

/// <summary>
/// Buffered, forward-only access to a stream for the parser. Values are handed out as slices of the read chunks, which are
/// never overwritten once a slice of them has been handed out, so small values cost no copy.
/// </summary>
internal sealed class DicomByteSource(Stream stream, long startOffset = 0)
{
    // Asked once: Stream.Length is a system call on files, and it is needed for every large or suspicious value.
    private readonly long _streamLength = stream.CanSeek ? stream.Length : -1;

    private const int ChunkSize = 16 * 1024;

    /// <summary>Values larger than this are read into arrays of their own instead of the chunk.</summary>
    private const int MaxSliceLength = 4 * 1024;

    private byte[] _chunk = [];
    private int _pos;
    private int _end;
    private long _chunkStart = startOffset;
    private bool _shared;
    private bool _eof;

    public Stream Stream => stream;

    /// <summary>Offset in the underlying stream of the next byte.</summary>
    public long Position => _chunkStart + _pos;

    /// <summary>Bytes still available without reading the stream.</summary>
    public ReadOnlySpan<byte> Buffered => _chunk.AsSpan(_pos, _end - _pos);

    /// <summary>Tries to have <paramref name="count"/> bytes buffered; false at end of stream.</summary>
    public bool TryEnsure(int count)
    {
        while (_end - _pos < count)
        {
            if (_eof)
            {
                return false;
            }
            Refill(count);
        }
        return true;
    }

    public void Ensure(int count, string what)
    {
        if (!TryEnsure(count))
        {
            throw new DicomReadException($"Unexpected end of data while reading {what}: {count} bytes needed, {_end - _pos} left; the file is truncated", Position, isTruncation: true);
        }
    }

    /// <summary>Bytes left in a seekable stream; null when the stream cannot tell.</summary>
    public long? Remaining => _streamLength >= 0 ? _streamLength - Position : null;

    public bool IsAtEnd => !TryEnsure(1);

    public ushort PeekUInt16(int offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(_chunk.AsSpan(_pos + offset))
        : BinaryPrimitives.ReadUInt16LittleEndian(_chunk.AsSpan(_pos + offset));

    public uint PeekUInt32(int offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(_chunk.AsSpan(_pos + offset))
        : BinaryPrimitives.ReadUInt32LittleEndian(_chunk.AsSpan(_pos + offset));

    public byte PeekByte(int offset) => _chunk[_pos + offset];

    public void Advance(int count) => _pos += count;

    /// <summary>
    /// Consumes the header of the element <paramref name="tag"/> at the current position and returns its VR, or
    /// <see cref="DicomVR.None"/> when it is in Implicit VR: asked for, or an explicit VR field that holds no VR (seen).
    /// </summary>
    public DicomVR ReadHeader(DicomTag tag, bool explicitVR, bool bigEndian, out uint length)
    {
        if (explicitVR && DicomVRExtensions.TryParse(PeekByte(4), PeekByte(5), out var vr))
        {
            if (vr.HasLongLength())
            {
                Ensure(12, $"the header of {tag}");
                length = PeekUInt32(8, bigEndian);
                Advance(12);
            }
            else
            {
                length = PeekUInt16(6, bigEndian);
                Advance(8);
            }
            return vr;
        }
        length = PeekUInt32(4, bigEndian);
        Advance(8);
        return DicomVR.None;
    }

    /// <summary>Reads a value of <paramref name="length"/> bytes into memory; bounded by what the stream really holds.</summary>
    public Memory<byte> Read(long length, string what)
    {
        if (length <= MaxSliceLength)
        {
            var n = (int)length;
            Ensure(n, what);
            var slice = _chunk.AsMemory(_pos, n);
            _pos += n;
            _shared = true;
            return slice;
        }
        if (length > Array.MaxLength)
        {
            throw new DicomReadException($"{what} is {length} bytes, too large to hold in memory; read the file from a path with lazy bulk data (DicomReadOptions.LazyBulkDataThreshold)", Position);
        }
        if (_streamLength >= 0 && _streamLength - Position < length)
        {
            // Fail before allocating what a corrupt length announces.
            throw new DicomReadException($"{what} announces {length} bytes but only {_streamLength - Position} remain; the file is truncated or the length is corrupt", Position, isTruncation: true);
        }
        var start = Position;
        var buffered = Math.Min(_end - _pos, (int)length);
        if (!stream.CanSeek)
        {
            // Grow as data arrives, so a corrupt length cannot make us allocate gigabytes up front.
            using var collected = new MemoryStream(Math.Min((int)length, 1 << 20));
            collected.Write(_chunk, _pos, buffered);
            _pos += buffered;
            var piece = new byte[Math.Min(length, 1 << 20)];
            while (collected.Length < length)
            {
                var n = stream.Read(piece, 0, (int)Math.Min(piece.Length, length - collected.Length));
                if (n == 0)
                {
                    throw new DicomReadException($"Unexpected end of data in {what}: {length} bytes announced, {collected.Length} present; the file is truncated", start, isTruncation: true);
                }
                collected.Write(piece, 0, n);
            }
            _chunkStart += length - buffered;
            return collected.GetBuffer().AsMemory(0, (int)length);
        }
        var value = new byte[length];
        _chunk.AsSpan(_pos, buffered).CopyTo(value);
        _pos += buffered;
        try
        {
            stream.ReadExactly(value, buffered, (int)length - buffered);
        }
        catch (EndOfStreamException)
        {
            throw new DicomReadException($"Unexpected end of data in {what}: {length} bytes announced; the file is truncated", start, isTruncation: true);
        }
        _chunkStart += length - buffered;
        return value;
    }

    /// <summary>Skips <paramref name="length"/> bytes, seeking when the stream allows it.</summary>
    public void Skip(long length, string what)
    {
        var buffered = (int)Math.Min(_end - _pos, length);
        _pos += buffered;
        var rest = length - buffered;
        if (rest == 0)
        {
            return;
        }
        var start = Position;
        if (stream.CanSeek)
        {
            if (_streamLength < Position + rest)
            {
                throw new DicomReadException($"Unexpected end of data in {what}: {length} bytes announced; the file is truncated", start, isTruncation: true);
            }
            stream.Seek(rest, SeekOrigin.Current);
        }
        else
        {
            var scratch = new byte[Math.Min(rest, 1 << 16)];
            for (var left = rest; left > 0;)
            {
                var n = stream.Read(scratch, 0, (int)Math.Min(scratch.Length, left));
                if (n == 0)
                {
                    throw new DicomReadException($"Unexpected end of data in {what}: {length} bytes announced; the file is truncated", start, isTruncation: true);
                }
                left -= n;
            }
        }
        _chunkStart += rest;
    }

    /// <summary>A stream of the buffered bytes followed by the rest of the underlying stream (for inflating deflated datasets).</summary>
    public Stream RemainderStream()
    {
        var head = new MemoryStream(_chunk, _pos, _end - _pos, writable: false);
        _pos = _end;
        return new ConcatenatedStream(head, stream);
    }

    private void Refill(int minimum)
    {
        var remaining = _end - _pos;
        var size = Math.Max(ChunkSize, minimum);
        var target = !_shared && _chunk.Length >= size ? _chunk : new byte[size];
        if (remaining > 0)
        {
            Buffer.BlockCopy(_chunk, _pos, target, 0, remaining);
        }
        _chunkStart += _pos;
        _chunk = target;
        _pos = 0;
        _end = remaining;
        _shared = false;
        while (_end < minimum)
        {
            var n = stream.Read(_chunk, _end, _chunk.Length - _end);
            if (n == 0)
            {
                _eof = true;
                return;
            }
            _end += n;
        }
    }

    private sealed class ConcatenatedStream(Stream first, Stream second) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = first.Read(buffer, offset, count);
            return n > 0 ? n : second.Read(buffer, offset, count);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
