using System.Buffers;
using System.IO.Compression;
using Isocenter.Dicom;
using Isocenter.Dicom.IO;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;

namespace Isocenter.Archive.Store;

/// <summary>
/// The first bytes of a dataset arriving over the network, read until they hold every element before Pixel Data, and those
/// elements parsed. The bytes are kept (in a pooled buffer, returned on dispose) so that they can be stored as received.
/// </summary>
internal sealed class DatasetPrefix : IDisposable
{
    private const int InitialLength = 64 * 1024;
    private static readonly DicomReadOptions Options = new() { StopBeforePixelData = true, TolerateTruncation = false };

    private byte[] _buffer;

    private DatasetPrefix(byte[] buffer, int length, DicomDataset dataset)
    {
        _buffer = buffer;
        Length = length;
        Dataset = dataset;
    }

    /// <summary>The bytes read, from the dataset's first byte.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, Length);

    /// <summary>How many bytes were read.</summary>
    public int Length { get; }

    /// <summary>Every element before Pixel Data (the whole dataset when it has none).</summary>
    public DicomDataset Dataset { get; }

    /// <summary>
    /// Reads <paramref name="network"/> (asynchronously only: it is fed by the association's read loop) until the elements
    /// before Pixel Data can be parsed, growing the buffer up to <paramref name="maxLength"/>. Throws
    /// <see cref="DimseFailureException"/>: Cannot understand (C000) for a malformed dataset, Out of resources (A700) when more
    /// than <paramref name="maxLength"/> bytes precede Pixel Data.
    /// </summary>
    public static async Task<DatasetPrefix> ReadAsync(Stream network, DicomTransferSyntax syntax, int maxLength, CancellationToken cancellationToken)
    {
        var target = Math.Min(InitialLength, maxLength);
        var buffer = ArrayPool<byte>.Shared.Rent(target);
        var length = 0;
        var ended = false;
        try
        {
            while (true)
            {
                if (buffer.Length < target)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(target);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                while (length < target && !ended)
                {
                    var read = await network.ReadAsync(buffer.AsMemory(length, target - length), cancellationToken);
                    ended = read == 0;
                    length += read;
                }
                if (TryParse(buffer, length, syntax, ended) is { } dataset)
                {
                    return new DatasetPrefix(buffer, length, dataset);
                }
                if (target >= maxLength)
                {
                    throw new DimseFailureException("C-STORE", DimseStatus.OutOfResources,
                        $"More than {maxLength} bytes precede Pixel Data (the most this archive reads to index an instance)");
                }
                target = (int)Math.Min(target * 4L, maxLength);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>The elements before Pixel Data, or null when more bytes are needed.</summary>
    private static DicomDataset? TryParse(byte[] buffer, int length, DicomTransferSyntax syntax, bool ended)
    {
        var builder = new DicomDatasetBuilder();
        using var input = new MemoryStream(buffer, 0, length, writable: false);
        try
        {
            using var source = syntax.IsDeflated ? new DeflateStream(input, CompressionMode.Decompress, leaveOpen: true) : (Stream)input;
            var parser = DicomParser.Parse(source, syntax, builder, Options);
            // Parsing ends at Pixel Data, or at the end of the bytes: only the end of the dataset if the network said so.
            return parser.StoppedBeforePixelData || ended ? builder.Dataset : null;
        }
        catch (DicomReadException e) when (e.IsTruncation && !ended)
        {
            return null;
        }
        catch (Exception e) when (e is DicomException or InvalidDataException)
        {
            throw new DimseFailureException("C-STORE", DimseStatus.CannotUnderstand, $"The dataset cannot be parsed: {e.Message}");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
