namespace Isocenter.ObjectStore;

/// <summary>The checks of a ranged read (<see cref="IObjectStore.OpenReadAsync(string, long, long?, CancellationToken)"/>).</summary>
internal static class ObjectRange
{
    /// <summary>Throws unless offset and length are not negative and their sum fits.</summary>
    public static void Validate(long offset, long? length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(length));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, long.MaxValue - offset, nameof(length));
        }
    }

    /// <summary>True when the range lies within an object of <paramref name="size"/> bytes.</summary>
    public static bool Fits(long offset, long? length, long size) => offset <= size && (length is not { } count || offset + count <= size);

    /// <summary>The exception for a range that does not lie within the object.</summary>
    public static ArgumentOutOfRangeException PastTheEnd(string key, long offset, long? length, long size) => new(length is null ? "offset" : "length",
        $"Bytes {offset}..{(length is { } count ? (offset + count).ToString(System.Globalization.CultureInfo.InvariantCulture) : "end")} are not within object '{key}' of {size} bytes.");
}
