using System.Buffers.Binary;

namespace Isocenter.Dicom;

/// <summary>The bytes of a value, little-endian: held in memory, or a range of a file read only when asked for.</summary>
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
    public static DicomBuffer FromFile(string path, long offset, long length, int swapUnit = 0) => new FileRangeBuffer(path, offset, length, swapUnit);

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

    private sealed class FileRangeBuffer(string path, long offset, long length, int swapUnit) : DicomBuffer
    {
        private const int ChunkSize = 1 << 20;

        // The file as it was when the value was found in it: a file replaced since (saved over, say) holds other bytes there.
        // Told apart by length and last write time (to the file system's timestamp resolution).
        private readonly (long Length, DateTime LastWriteTimeUtc) _file = Stamp(path);

        public override long Length => length;
        public override bool IsLoaded => false;

        public override ReadOnlyMemory<byte> Memory
        {
            get
            {
                if (length > Array.MaxLength)
                {
                    throw new DicomDataException($"The value at byte {offset} of {path} is {length} bytes, too large to load at once; stream it with CopyTo.");
                }
                var bytes = new byte[length];
                using var file = OpenAt();
                file.ReadExactly(bytes);
                SwapBytes(bytes, swapUnit);
                return bytes;
            }
        }

        public override void CopyTo(Stream destination)
        {
            using var file = OpenAt();
            var chunk = new byte[(int)Math.Min(length, ChunkSize)];
            for (var left = length; left > 0;)
            {
                var n = (int)Math.Min(left, chunk.Length);
                file.ReadExactly(chunk, 0, n);
                SwapBytes(chunk.AsSpan(0, n), swapUnit);
                destination.Write(chunk, 0, n);
                left -= n;
            }
        }

        private static (long, DateTime) Stamp(string path)
        {
            var info = new FileInfo(path);
            return (info.Length, info.LastWriteTimeUtc);
        }

        private FileStream OpenAt()
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (file.Length < offset + length)
            {
                file.Dispose();
                throw new DicomDataException($"{path} is shorter than when it was read: the value at byte {offset} ({length} bytes) is no longer there.");
            }
            if (Stamp(path) != _file)
            {
                file.Dispose();
                throw new DicomDataException($"{path} has been modified since it was read: the value at byte {offset} ({length} bytes) may no longer be there. Open the file again.");
            }
            file.Position = offset;
            return file;
        }
    }
}
