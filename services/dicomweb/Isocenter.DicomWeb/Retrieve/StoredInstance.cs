using Isocenter.Dicom;
using Isocenter.Index;
using Isocenter.ObjectStore;

namespace Isocenter.DicomWeb.Retrieve;

/// <summary>
/// An instance read from the object store for frames, bulk data or rendering: a seekable object (a file) is parsed with its
/// large values left in it (<see cref="DicomReadOptions.LazyFromStream"/>), so only the frames used are read; any other is
/// read into memory first. The stream stays open until this is disposed.
/// </summary>
internal sealed class StoredInstance : IAsyncDisposable
{
    private static readonly DicomReadOptions Lazy = new() { LazyFromStream = true };
    private readonly Stream _stream;

    private StoredInstance(InstanceLocation location, Stream stream)
    {
        Location = location;
        _stream = stream;
        try
        {
            File = DicomFile.Open(stream, Lazy);
        }
        catch (DicomException e)
        {
            throw new InvalidDataException($"{location.ObjectKey} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Where it is stored.</summary>
    public InstanceLocation Location { get; }

    /// <summary>The file, its large values still in the store.</summary>
    public DicomFile File { get; }

    /// <summary>Opens and parses <paramref name="location"/>'s object.</summary>
    public static async Task<StoredInstance> OpenAsync(IObjectStore store, InstanceLocation location, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(location.ObjectKey, cancellationToken).ConfigureAwait(false);
        if (!stream.CanSeek)
        {
            var memory = new MemoryStream();
            await using (stream.ConfigureAwait(false))
            {
                await stream.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
            }
            memory.Position = 0;
            stream = memory;
        }
        try
        {
            return new StoredInstance(location, stream);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
