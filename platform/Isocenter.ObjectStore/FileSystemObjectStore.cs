using System.Buffers;

namespace Isocenter.ObjectStore;

/// <summary>
/// <see cref="IObjectStore"/> over a folder: key <c>a/b/c.dcm</c> is the file <c>{root}/a/b/c.dcm</c>. A put writes a
/// temporary file beside the target (named with a leading '.', which no key has) and renames it over the target, so a
/// reader or a concurrent put of the same key never sees a partial object. The embedded default for one machine.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private const int BufferSize = 81920;
    private readonly string _root;

    /// <summary>A store rooted at <paramref name="root"/>, which is created if missing.</summary>
    public FileSystemObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <summary>The folder holding the objects.</summary>
    public string Root => _root;

    /// <inheritdoc/>
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await WriteAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true); // rename(2): atomic on POSIX filesystems
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> into the new file <paramref name="path"/>, <see cref="BufferSize"/> bytes
    /// per write (the last one less). The writes are synchronous, on the thread that read the content: a write into
    /// the page cache takes microseconds, and .NET on Linux makes an asynchronous file write the same blocking call on
    /// another pool thread, a hand-off there and back for every 80 KiB (ingest's CPU 11 % lower without them,
    /// docs/archive.md).
    /// </summary>
    private static async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        // FileShare.Read: no flock(2) on a file nobody else knows the name of.
        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var offset = 0L;
            int read;
            while ((read = await content.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), BufferSize,
                throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
            {
                RandomAccess.Write(file, buffer.AsSpan(0, read), offset);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => OpenReadAsync(key, 0, null, cancellationToken);

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        ObjectRange.Validate(offset, length);
        cancellationToken.ThrowIfCancellationRequested();
        FileStream file;
        try
        {
            file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(key);
        }
        var size = file.Length;
        if (!ObjectRange.Fits(offset, length, size))
        {
            file.Dispose();
            throw ObjectRange.PastTheEnd(key, offset, length, size);
        }
        file.Position = offset;
        return Task.FromResult(length is { } count && offset + count < size ? new LimitedStream(file, count) : (Stream)file);
    }

    /// <inheritdoc/>
    public Task<ObjectInfo?> StatAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? new ObjectInfo(key, file.Length) : null);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ObjectKey.ValidatePrefix(prefix);
        // Only the folder the prefix names (up to its last '/') can hold matching keys.
        var folder = Path.Combine(_root, prefix[..(prefix.LastIndexOf('/') + 1)]);
        if (!Directory.Exists(folder))
        {
            return AsyncEnumerable.Empty<ObjectInfo>();
        }
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        var found = new List<ObjectInfo>();
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            // Temporary files (leading '.') and whatever else no key could name are not objects.
            if (key.StartsWith(prefix, StringComparison.Ordinal) && ObjectKey.IsValid(key))
            {
                found.Add(new ObjectInfo(key, file.Length));
            }
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return found.ToAsyncEnumerable();
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }
        File.Delete(path);
        return Task.FromResult(true);
    }

    private string PathOf(string key)
    {
        ObjectKey.Validate(key);
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
