using System.Collections.Frozen;

namespace Isocenter.Dicom;

/// <summary>What the UID registry (PS3.6 annex A) says about a UID.</summary>
/// <param name="Value">The UID.</param>
/// <param name="Keyword">The standard keyword, e.g. "CTImageStorage".</param>
/// <param name="Type">"SOP Class", "Transfer Syntax", "Well-known frame of reference"...</param>
/// <param name="Name">The standard name, e.g. "CT Image Storage".</param>
/// <param name="IsRetired">True when retired.</param>
public sealed record DicomUidInfo(string Value, string Keyword, string Type, string Name, bool IsRetired);

/// <summary>Well-known UIDs (generated constants) and the UID registry.</summary>
public static partial class DicomUid
{
    private static readonly Lazy<FrozenDictionary<string, DicomUidInfo>> Registry = new(() =>
        RegistryTable.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|'))
            .Select(f => new DicomUidInfo(f[0], f[1], f[2], f[4], f[3] == "1"))
            .DistinctBy(u => u.Value)
            .ToFrozenDictionary(u => u.Value, StringComparer.Ordinal));

    /// <summary>The registry entry of a UID, or null when the UID is not a well-known one.</summary>
    public static DicomUidInfo? Find(string uid) => Registry.Value.TryGetValue(uid.TrimEnd('\0', ' '), out var info) ? info : null;

    /// <summary>All known UIDs.</summary>
    public static IEnumerable<DicomUidInfo> All => Registry.Value.Values;

    /// <summary>True when <paramref name="uid"/> follows PS3.5 9.1: 1-64 characters, dot-separated numbers without leading zeros.</summary>
    public static bool IsValid(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty || uid.Length > 64)
        {
            return false;
        }
        var componentStart = 0;
        for (var i = 0; i <= uid.Length; i++)
        {
            if (i == uid.Length || uid[i] == '.')
            {
                var length = i - componentStart;
                if (length == 0 || (length > 1 && uid[componentStart] == '0'))
                {
                    return false;
                }
                componentStart = i + 1;
            }
            else if (uid[i] is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A new globally unique UID under the 2.25 root (PS3.5 B.2), from a random UUID.</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[17];
        Guid.NewGuid().TryWriteBytes(bytes[..16], bigEndian: true, out _);
        bytes[16] = 0;
        bytes[..16].Reverse();
        return "2.25." + new System.Numerics.BigInteger(bytes).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
