namespace Isocenter.DicomWeb.Store;

/// <summary>The STOW-RS settings of the <c>DicomWeb</c> configuration section.</summary>
public sealed class StoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "DicomWeb";

    /// <summary>The largest STOW-RS request body in bytes (<c>DicomWeb__MaxStowBytes</c>); a larger one is answered 413.</summary>
    public long MaxStowBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The most bytes read ahead of Pixel Data to find an instance's UIDs and build its header.</summary>
    public int MaxHeaderLength { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long the object store may take to finish a put once a part has arrived.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the storage service may take to index a batch of stored instances, or to delete.</summary>
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Instances indexed per <c>IndexInstances</c> request while a STOW-RS request is read.</summary>
    public int IndexBatchSize { get; set; } = 64;
}
