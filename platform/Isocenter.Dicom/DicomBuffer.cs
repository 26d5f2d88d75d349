using System.Buffers.Binary;

namespace Isocenter.Dicom;

/// <summary>The bytes of a value, little-endian: held in memory, or a range of a file or stream read only when asked for.</summary>
public abstract class DicomBuffer
{
    /// <summary>The empty value.</summary>
    public static DicomBuffer Empty { get; } = new MemoryBuffer(ReadOnlyMemory<byte>.Empty);

    /// <summary>Length in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>True when the bytes are in memory; false for lazy bulk data.</summary>
    public abstract bool IsLoaded { get; }

    /// <summary>The bytes, loading them if needed (lazy values over 2 GB cannot be loaded: stream them with <see cref="CopyTo"/>).</summary>
    public abstract ReadOnlyMemory<byte> Memory { get; }

    /// <summary>Writes the bytes to <paramref name="destination"/> without loading a lazy value whole.</summary>
    public abstract void CopyTo(Stream destination);

    /// <summary>A buffer over bytes already in little-endian order.</summary>
    public static DicomBuffer FromBytes(ReadOnlyMemory<byte> bytes) => bytes.IsEmpty ? Empty : new MemoryBuffer(bytes);

    /// <summary>A lazy buffer over a range of a file; <paramref name="swapUnit"/> is 2, 4 or 8 when the file holds big-endian numbers.</summary>
    public static DicomBuffer FromFile(string path, long offset, long length, int swapUnit = 0) => new DicomRangeSource.File(path).Range(offset, length, swapUnit);

    /// <summary>
    /// A lazy buffer over a range of a seekable stream, which must stay open and unchanged while the value is used;
    /// reads are serialized on the stream.
    /// </summary>
    public static DicomBuffer FromStream(Stream stream, long offset, long length, int swapUnit = 0) => new DicomRangeSource.SeekableStream(stream).Range(offset, length, swapUnit);

    /// <summary>Reverses each <paramref name="unit"/>-byte group in place (big-endian to little-endian and back).</summary>
    public static void SwapBytes(Span<byte> bytes, int unit)
    {
        switch (unit)
        {
            case 2:
                var u16 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bytes[..(bytes.Length & ~1)]);
                BinaryPrimitives.ReverseEndianness(u16, u16);
                break;
            case 4:
                var u32 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bytes[..(bytes.Length & ~3)]);
                BinaryPrimitives.ReverseEndianness(u32, u32);
                break;
            case 8:
                var u64 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes[..(bytes.Length & ~7)]);
                BinaryPrimitives.ReverseEndianness(u64, u64);
                break;
        }
    }

    private sealed class MemoryBuffer(ReadOnlyMemory<byte> bytes) : DicomBuffer
    {
        public override long Length => bytes.Length;
        public override bool IsLoaded => true;
        public override ReadOnlyMemory<byte> Memory => bytes;
        public override void CopyTo(Stream destination) => destination.Write(bytes.Span);
    }

    /// <summary>A lazy value: <c>length</c> bytes at <c>offset</c> of a source read only when asked for.</summary>
    internal sealed class Lazy(DicomRangeSource source, long offset, long length, int swapUnit) : DicomBuffer
    {
        private const int ChunkSize = 1 << 20;

        public override long Length => length;
        public override bool IsLoaded => false;

        public override ReadOnlyMemory<byte> Memory
        {
            get
            {
                if (length > Array.MaxLength)
                {
                    throw new DicomDataException($"The value at byte {offset} of {source.Name} is {length} bytes, too large to load at once; stream it with CopyTo.");
                }
                var bytes = new byte[length];
                source.Read(offset, length, stream => stream.ReadExactly(bytes));
                SwapBytes(bytes, swapUnit);
                return bytes;
            }
        }

        public override void CopyTo(Stream destination) => source.Read(offset, length, stream =>
        {
            var chunk = new byte[(int)Math.Min(length, ChunkSize)];
            for (var left = length; left > 0;)
            {
                var n = (int)Math.Min(left, chunk.Length);
                stream.ReadExactly(chunk, 0, n);
                SwapBytes(chunk.AsSpan(0, n), swapUnit);
                destination.Write(chunk, 0, n);
                left -= n;
            }
        });
    }
}

/// <summary>Where lazy values live: a file (reopened for each read) or the caller's seekable stream.</summary>
internal abstract class DicomRangeSource
{
    /// <summary>For messages: the file's path, or "the stream".</summary>
    public abstract string Name { get; }

    /// <summary>Runs <paramref name="read"/> on a stream positioned at <paramref name="offset"/>, which holds at least <paramref name="length"/> bytes.</summary>
    public abstract void Read(long offset, long length, Action<Stream> read);

    /// <summary>A lazy buffer over a range of this source.</summary>
    public DicomBuffer Range(long offset, long length, int swapUnit) => new DicomBuffer.Lazy(this, offset, length, swapUnit);

    public sealed class File(string path) : DicomRangeSource
    {
        // The file as it was when it was read: a file replaced since (saved over, say) holds other bytes there.
        // Told apart by length and last write time (to the file system's timestamp resolution).
        private readonly (long Length, DateTime LastWriteTimeUtc) _stamp = Stamp(path);

        public override string Name => path;

        public override void Read(long offset, long length, Action<Stream> read)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (file.Length < offset + length)
            {
                throw new DicomDataException($"{path} is shorter than when it was read: the value at byte {offset} ({length} bytes) is no longer there.");
            }
            if (Stamp(path) != _stamp)
            {
                throw new DicomDataException($"{path} has been modified since it was read: the value at byte {offset} ({length} bytes) may no longer be there. Open the file again.");
            }
            file.Position = offset;
            read(file);
        }

        private static (long, DateTime) Stamp(string path)
        {
            var info = new FileInfo(path);
            return (info.Length, info.LastWriteTimeUtc);
        }
    }

    public sealed class SeekableStream(Stream stream) : DicomRangeSource
    {
        public override string Name => "the stream";

        public override void Read(long offset, long length, Action<Stream> read)
        {
            if (!stream.CanSeek)
            {
                throw new DicomDataException($"The stream this value was read from is closed: the value at byte {offset} ({length} bytes) can no longer be read. Keep the stream open while lazy values are used, or read without DicomReadOptions.LazyFromStream.");
            }
            if (stream.Length < offset + length)
            {
                throw new DicomDataException($"The stream is shorter than when it was read: the value at byte {offset} ({length} bytes) is no longer there.");
            }
            lock (stream)
            {
                stream.Position = offset;
                read(stream);
            }
        }
    }
}
