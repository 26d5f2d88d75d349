namespace Isocenter.ObjectStore;

/// <summary>
/// The rules every object key follows, whatever the store: 1–1024 characters, segments separated by '/', each segment
/// non-empty, not starting with '.', and made of ASCII letters, digits, '.', '-' and '_'. So a key maps to a relative
/// path on any filesystem without escaping its root, and to an S3 key without encoding.
/// </summary>
public static class ObjectKey
{
    /// <summary>The longest key accepted (S3's limit).</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a valid key.</summary>
    public static void Validate(string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a valid object key (segments of [A-Za-z0-9._-] separated by '/', none empty or starting with '.').", nameof(key));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="prefix"/> is empty or the beginning of a valid key (it may end with '/').</summary>
    public static void ValidatePrefix(string prefix)
    {
        if (prefix.Length > 0 && !IsValid(prefix, prefix: true))
        {
            throw new ArgumentException($"'{prefix}' is not a valid object key prefix.", nameof(prefix));
        }
    }

    /// <summary>True when <paramref name="key"/> follows the rules above.</summary>
    public static bool IsValid(string key) => IsValid(key, prefix: false);

    private static bool IsValid(string key, bool prefix)
    {
        if (key.Length is 0 or > MaxLength)
        {
            return false;
        }
        var segmentStart = 0;
        for (var i = 0; i <= key.Length; i++)
        {
            if (i == key.Length || key[i] == '/')
            {
                // An empty segment is allowed only at the end of a prefix ("instances/1.2/").
                if (i == segmentStart && !(prefix && i == key.Length && i > 0))
                {
                    return false;
                }
                segmentStart = i + 1;
            }
            else if ((key[i] == '.' && i == segmentStart) || (!char.IsAsciiLetterOrDigit(key[i]) && key[i] is not ('.' or '-' or '_')))
            {
                return false;
            }
        }
        return true;
    }
}
