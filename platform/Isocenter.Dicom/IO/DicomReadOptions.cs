namespace Isocenter.Dicom;

/// <summary>How to read a DICOM stream.</summary>
public sealed record DicomReadOptions
{
    /// <summary>Reading options with every default.</summary>
    public static DicomReadOptions Default { get; } = new();

    /// <summary>Stop at Pixel Data (7FE0,0010) and the other pixel data elements of group 7FE0, leaving them unread.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>
    /// When reading from a file path (or a stream, with <see cref="LazyFromStream"/>), values and fragments at least this many
    /// bytes long are not read unless the dataset is deflated:
    /// they stay where they are and are read when asked for. Default 64 KiB.
    /// </summary>
    public long LazyBulkDataThreshold { get; init; } = 64 * 1024;

    /// <summary>
    /// When reading from a seekable <see cref="Stream"/>, leave values of at least <see cref="LazyBulkDataThreshold"/> bytes
    /// in it, to be read when used; the caller keeps the stream open and unchanged meanwhile. Off by default.
    /// </summary>
    public bool LazyFromStream { get; init; }

    /// <summary>
    /// Keep what precedes the end of a truncated file (the last value partially) and record a warning, instead of throwing.
    /// Default true, as pydicom and DCMTK do; an archive that must refuse damaged input sets it to false.
    /// </summary>
    public bool TolerateTruncation { get; init; } = true;

    /// <summary>Deepest sequence nesting accepted, so hostile input cannot exhaust the stack. Default 64.</summary>
    public int MaxDepth { get; init; } = 64;
}
