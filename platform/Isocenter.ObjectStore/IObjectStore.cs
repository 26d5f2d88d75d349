namespace Isocenter.ObjectStore;

/// <summary>
/// A flat store of immutable objects addressed by keys such as <c>instances/{study}/{series}/{sop}.dcm</c> (see
/// <see cref="ObjectKeys"/>). A put replaces the whole object at once: readers see the old object or the new one, never part
/// of either. Keys are checked by <see cref="ObjectKey.Validate"/>.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores the rest of <paramref name="content"/> under <paramref name="key"/>, replacing any object there atomically.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens the object for reading; the caller disposes the stream. Throws <see cref="ObjectNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Opens bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of the object, or from
    /// <paramref name="offset"/> to its end when <paramref name="length"/> is null, for reading; the caller disposes the stream.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">There is no object under <paramref name="key"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> or <paramref name="length"/> is negative, or the range ends past the object's end.</exception>
    Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken cancellationToken);

    /// <summary>The object's key and size, or null when there is none.</summary>
    Task<ObjectInfo?> StatAsync(string key, CancellationToken cancellationToken);

    /// <summary>The objects whose keys start with <paramref name="prefix"/> (a plain string prefix, as S3's), in ordinal key order.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the object; false when there was none.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>An object's key and size in bytes.</summary>
public sealed record ObjectInfo(string Key, long Size);

/// <summary>Thrown when an object that is read does not exist.</summary>
public sealed class ObjectNotFoundException(string key) : IOException($"No object '{key}' in the store.")
{
    /// <summary>The key that was read.</summary>
    public string Key { get; } = key;
}
