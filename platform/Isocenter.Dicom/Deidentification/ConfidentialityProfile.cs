using System.Collections.Frozen;
using System.Globalization;

namespace Isocenter.Dicom.Deidentification;

/// <summary>The option columns of PS3.15 Table E.1-1 (the Basic Profile is the table's first action column).</summary>
public enum DeidentificationOption
{
    /// <summary>Retain Safe Private Option (113111).</summary>
    RetainSafePrivate,

    /// <summary>Retain UIDs Option (113110).</summary>
    RetainUids,

    /// <summary>Retain Device Identity Option (113109).</summary>
    RetainDeviceIdentity,

    /// <summary>Retain Institution Identity Option (113112).</summary>
    RetainInstitutionIdentity,

    /// <summary>Retain Patient Characteristics Option (113108).</summary>
    RetainPatientCharacteristics,

    /// <summary>Retain Longitudinal Temporal Information with Full Dates Option (113106).</summary>
    RetainLongitudinalTemporalInformationFullDates,

    /// <summary>Retain Longitudinal Temporal Information with Modified Dates Option (113107).</summary>
    RetainLongitudinalTemporalInformationModifiedDates,

    /// <summary>Clean Descriptors Option (113105).</summary>
    CleanDescriptors,

    /// <summary>Clean Structured Content Option (113104).</summary>
    CleanStructuredContent,

    /// <summary>Clean Graphics Option (113103).</summary>
    CleanGraphics,
}

/// <summary>
/// One row of PS3.15 Table E.1-1: the attribute (a tag, or a pattern such as (50xx,xxxx)), the Basic Profile's action code and
/// the action code of each option column that has one. Codes are the table's: D, Z, X, K, C, U, Z/D, X/Z, X/D, X/Z/D, X/Z/U*.
/// </summary>
/// <param name="Pattern">The tag as the table writes it, e.g. "(0010,0010)", "(60XX,3000)", "(GGGG,EEEE)" for private attributes.</param>
/// <param name="Tag">The tag with the pattern's X digits as zeros.</param>
/// <param name="Mask">Bits of a tag that must equal <paramref name="Tag"/>'s for the row to apply.</param>
/// <param name="Name">The attribute name.</param>
/// <param name="BasicProfile">The Basic Profile's action code.</param>
/// <param name="Options">The option columns' action codes.</param>
public sealed record ConfidentialityProfileRow(
    string Pattern,
    DicomTag Tag,
    uint Mask,
    string Name,
    string BasicProfile,
    IReadOnlyDictionary<DeidentificationOption, string> Options)
{
    /// <summary>True for rows that describe a tag pattern (repeating groups, private attributes) rather than one tag.</summary>
    public bool IsPattern => Mask != uint.MaxValue;
}

/// <summary>PS3.15 Table E.1-1 (Application Level Confidentiality Profile Attributes), as transcribed in ConfidentialityProfile.txt.</summary>
public static class ConfidentialityProfile
{
    private static readonly FrozenDictionary<string, DeidentificationOption> ColumnKeys = new Dictionary<string, DeidentificationOption>
    {
        ["priv"] = DeidentificationOption.RetainSafePrivate,
        ["uid"] = DeidentificationOption.RetainUids,
        ["dev"] = DeidentificationOption.RetainDeviceIdentity,
        ["inst"] = DeidentificationOption.RetainInstitutionIdentity,
        ["pat"] = DeidentificationOption.RetainPatientCharacteristics,
        ["full"] = DeidentificationOption.RetainLongitudinalTemporalInformationFullDates,
        ["mod"] = DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates,
        ["desc"] = DeidentificationOption.CleanDescriptors,
        ["struct"] = DeidentificationOption.CleanStructuredContent,
        ["graph"] = DeidentificationOption.CleanGraphics,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<Table> Data = new(Load);

    /// <summary>Every row of the table, in the table's order.</summary>
    public static IReadOnlyList<ConfidentialityProfileRow> Rows => Data.Value.Rows;

    /// <summary>The row that applies to the standard (even-group) tag <paramref name="tag"/>, or null when the table does not list it.</summary>
    public static ConfidentialityProfileRow? Find(DicomTag tag)
    {
        var table = Data.Value;
        if (table.Exact.TryGetValue(tag.Value, out var row))
        {
            return row;
        }
        foreach (var pattern in table.Patterns)
        {
            if ((tag.Value & pattern.Mask) == pattern.Tag.Value)
            {
                return pattern;
            }
        }
        return null;
    }

    /// <summary>The row for private attributes, (GGGG,EEEE) where GGGG is odd.</summary>
    public static ConfidentialityProfileRow PrivateAttributes => Data.Value.Private;

    private static Table Load()
    {
        using var stream = typeof(ConfidentialityProfile).Assembly.GetManifestResourceStream("Isocenter.Dicom.Deidentification.ConfidentialityProfile.txt")
            ?? throw new InvalidOperationException("The embedded resource ConfidentialityProfile.txt is missing from Isocenter.Dicom.");
        using var reader = new StreamReader(stream);
        var rows = new List<ConfidentialityProfileRow>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var f = line.Split(" | ", 4, StringSplitOptions.TrimEntries);
            var options = new Dictionary<DeidentificationOption, string>();
            if (f[2] != "-")
            {
                foreach (var pair in f[2].Split(' '))
                {
                    var kv = pair.Split('=');
                    options.Add(ColumnKeys[kv[0]], kv[1]);
                }
            }
            var (tag, mask) = ParsePattern(f[0]);
            rows.Add(new ConfidentialityProfileRow(f[0], tag, mask, f[3], f[1], options.ToFrozenDictionary()));
        }
        var privateRow = rows.Single(r => r.Pattern == "(GGGG,EEEE)");
        return new Table(
            rows,
            rows.Where(r => !r.IsPattern).ToFrozenDictionary(r => r.Tag.Value),
            [.. rows.Where(r => r.IsPattern && r != privateRow)],
            privateRow);
    }

    private static (DicomTag Tag, uint Mask) ParsePattern(string pattern)
    {
        if (pattern == "(GGGG,EEEE)")
        {
            return (new DicomTag(0x00010000), 0x00010000); // the odd-group bit
        }
        var hex = pattern.Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        uint value = 0, mask = 0;
        foreach (var c in hex)
        {
            value <<= 4;
            mask <<= 4;
            if (c != 'X')
            {
                value |= uint.Parse(c.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                mask |= 0xF;
            }
        }
        return (new DicomTag(value), mask);
    }

    private sealed record Table(
        List<ConfidentialityProfileRow> Rows,
        FrozenDictionary<uint, ConfidentialityProfileRow> Exact,
        ConfidentialityProfileRow[] Patterns,
        ConfidentialityProfileRow Private);
}
