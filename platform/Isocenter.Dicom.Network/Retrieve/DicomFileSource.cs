namespace Isocenter.Dicom.Network.Retrieve;

/// <summary>A Part 10 file to send as a C-STORE sub-operation, opened only when its turn comes.</summary>
/// <param name="Name">What logs and results call it (a path, an object key).</param>
/// <param name="OpenAsync">Opens the whole Part 10 file for reading from its start (the stream need not be seekable); the caller disposes it.</param>
public sealed record DicomFileSource(string Name, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    /// <summary>A file on disk.</summary>
    public static DicomFileSource FromPath(string path) =>
        new(path, _ => Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan)));
}
