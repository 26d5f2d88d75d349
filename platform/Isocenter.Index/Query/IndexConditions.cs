using System.Globalization;
using System.Text;
using Isocenter.Dicom;
using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Index.Query;

/// <summary>
/// The SQL conditions of an identifier's matching keys (PS3.4 C.2.2.2), grouped by level, with their parameters. Keys
/// with a column match it; other text keys with a value match the first value in their level's header.
/// </summary>
internal sealed class IndexConditions
{
    private readonly SortedDictionary<QueryLevel, List<string>> _byLevel = [];

    private IndexConditions()
    {
    }

    /// <summary>The parameters the conditions refer to.</summary>
    public List<NpgsqlParameter> Parameters { get; } = [];

    /// <summary>The deepest level a condition is on (Patient when there is none).</summary>
    public QueryLevel DeepestLevel => _byLevel.Count == 0 ? QueryLevel.Patient : _byLevel.Keys.Max();

    /// <summary>The conditions of <paramref name="identifier"/>'s matching keys for a query at <paramref name="level"/>.</summary>
    /// <exception cref="ArgumentException">A date, time or number that cannot be matched.</exception>
    public static IndexConditions Build(DicomDataset identifier, QueryLevel level, bool fuzzyMatching)
    {
        var conditions = new IndexConditions();
        foreach (var element in identifier)
        {
            if (element is not DicomValueElement value || value.Length == 0 || element.Tag == DicomTag.SpecificCharacterSet
                || element.Tag == DicomTag.QueryRetrieveLevel || element.Tag.IsPrivate)
            {
                continue;
            }
            if (IndexKeys.Columns.TryGetValue(element.Tag, out var key))
            {
                conditions.Add(key.Level, conditions.Match(key.Column, key.Kind, Values(value, key.Kind), fuzzyMatching));
            }
            else if (value.VR is DicomVR.AE or DicomVR.AS or DicomVR.CS or DicomVR.DS or DicomVR.IS or DicomVR.LO or DicomVR.SH or DicomVR.UC)
            {
                var owner = IndexKeys.HeaderLevel(element.Tag, level);
                var column = $"coalesce({IndexKeys.Alias(owner)}.header -> '{element.Tag.ToJsonKey()}' -> 'Value' ->> 0, '')";
                conditions.Add(owner, conditions.Match(column, MatchKind.Text, Values(value, MatchKind.Text), fuzzyMatching));
            }
        }
        return conditions;
    }

    /// <summary>
    /// The WHERE clause for rows at <paramref name="level"/> joined with the levels above: their conditions directly, those
    /// of lower levels as one EXISTS over the rows below (a patient matches through its studies).
    /// </summary>
    public string Where(QueryLevel level)
    {
        var direct = _byLevel.Where(c => c.Key <= level).SelectMany(c => c.Value).ToList();
        var below = _byLevel.Where(c => c.Key > level).SelectMany(c => c.Value).ToList();
        if (below.Count > 0)
        {
            direct.Add($"EXISTS (SELECT 1 FROM {IndexKeys.Join(level + 1, DeepestLevel)} WHERE {IndexKeys.Link(level + 1)} AND {string.Join(" AND ", below)})");
        }
        return direct.Count == 0 ? "true" : string.Join(" AND ", direct);
    }

    /// <summary>Adds a parameter; returns its placeholder.</summary>
    public string Parameter<T>(T value, NpgsqlDbType type)
    {
        var name = "m" + Parameters.Count.ToString(CultureInfo.InvariantCulture);
        Parameters.Add(new NpgsqlParameter<T>(name, type) { TypedValue = value });
        return "@" + name;
    }

    private void Add(QueryLevel level, string? condition)
    {
        if (condition is null)
        {
            return;
        }
        if (!_byLevel.TryGetValue(level, out var list))
        {
            _byLevel[level] = list = [];
        }
        list.Add(condition);
    }

    private static List<string> Values(DicomValueElement element, MatchKind kind)
    {
        // PN values keep their component groups ('='); list matching splits at backslashes for every VR.
        var values = kind == MatchKind.PersonName ? element.GetString().Split('\\') : element.GetStrings();
        return [.. values.Select(v => v.Trim())];
    }

    /// <summary>
    /// The condition for one key; null for universal matching: no value, or a value of only '*' (leniently also for UIDs,
    /// dates and times, which take no other wildcard).
    /// </summary>
    private string? Match(string column, MatchKind kind, List<string> values, bool fuzzy)
    {
        if (values.Count == 0 || values.All(v => v.Length == 0) || values.Any(v => v.Length > 0 && v.All(c => c == '*')))
        {
            return null;
        }
        switch (kind)
        {
            case MatchKind.Uid:
                return $"{column} = ANY({Parameter(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})";
            case MatchKind.AnyOf:
                return $"{column} && {Parameter(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}";
            default:
                var alternatives = values.Select(v => MatchOne(column, kind, v, fuzzy)).ToList();
                return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" OR ", alternatives) + ")";
        }
    }

    private string MatchOne(string column, MatchKind kind, string value, bool fuzzy)
    {
        switch (kind)
        {
            case MatchKind.Text:
                return HasWildcard(value)
                    ? $"{column} LIKE {Parameter(LikePattern(value), NpgsqlDbType.Text)}"
                    : $"{column} = {Parameter(value, NpgsqlDbType.Text)}";
            case MatchKind.PersonName when fuzzy:
                // Every word of the query starts a word of the name (any component group), case-insensitively.
                var words = value.ToLowerInvariant().Split([' ', '^', '=', ','], StringSplitOptions.RemoveEmptyEntries);
                return words.Length == 0 ? "true" : "(" + string.Join(" AND ", words.Select(w =>
                    $"(' ' || translate({column}, '^=', '  ')) LIKE {Parameter("% " + LikePattern(w) + "%", NpgsqlDbType.Text)}")) + ")";
            case MatchKind.PersonName:
                // The whole value or any one component group (alphabetic, ideographic, phonetic) matches.
                var name = PersonNames.Normalize(value);
                var (op, operand) = HasWildcard(name) ? ("LIKE", LikePattern(name)) : ("=", name);
                var p = Parameter(operand, NpgsqlDbType.Text);
                return $"({column} {op} {p} OR split_part({column}, '=', 1) {op} {p} OR split_part({column}, '=', 2) {op} {p} OR split_part({column}, '=', 3) {op} {p})";
            case MatchKind.Date:
                var (fromDate, toDate) = Range(value, ParseDate, ParseDate);
                return Between(column, fromDate, toDate, NpgsqlDbType.Date);
            case MatchKind.Time:
                var (fromTime, toTime) = Range(value, t => TimeBounds(t).From, t => TimeBounds(t).To);
                return Between(column, fromTime, toTime, NpgsqlDbType.Time);
            case MatchKind.Integer:
                return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    ? $"{column} = {Parameter(number, NpgsqlDbType.Integer)}"
                    : throw new ArgumentException($"'{value}' is not an integer (IS matching key).");
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private string Between<T>(string column, T? from, T? to, NpgsqlDbType type) where T : struct
    {
        var parts = new List<string>(2);
        if (from is { } f)
        {
            parts.Add($"{column} >= {Parameter(f, type)}");
        }
        if (to is { } t)
        {
            parts.Add($"{column} <= {Parameter(t, type)}");
        }
        return parts.Count == 0 ? $"{column} IS NOT NULL" : string.Join(" AND ", parts);
    }

    /// <summary>Range matching (C.2.2.2.5): <c>a-b</c>, <c>-b</c>, <c>a-</c>; a single value is the range of itself.</summary>
    private static (T? From, T? To) Range<T>(string value, Func<string, T> from, Func<string, T> to) where T : struct
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return (from(value), to(value));
        }
        var (a, b) = (value[..dash].Trim(), value[(dash + 1)..].Trim());
        return (a.Length > 0 ? from(a) : null, b.Length > 0 ? to(b) : null);
    }

    private static DateOnly ParseDate(string value)
    {
        try
        {
            return DicomDateTime.ParseDate(value);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"'{value}' is not a date (DA: YYYYMMDD) for date matching.", e);
        }
    }

    /// <summary>The first and last instants a TM value stands for: "10" is 10:00:00 to 10:59:59.999999.</summary>
    private static (TimeOnly From, TimeOnly To) TimeBounds(string value)
    {
        TimeOnly from;
        try
        {
            from = DicomDateTime.ParseTime(value);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"'{value}' is not a time (TM: HHMMSS.FFFFFF) for time matching.", e);
        }
        var text = value.Trim().Replace(":", "", StringComparison.Ordinal);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var precision = dot < 0 ? text.Length switch
        {
            2 => TimeSpan.FromHours(1),
            4 => TimeSpan.FromMinutes(1),
            _ => TimeSpan.FromSeconds(1),
        } : TimeSpan.FromTicks((long)Math.Pow(10, Math.Max(0, 7 - (text.Length - dot - 1))));
        var end = from.ToTimeSpan() + precision - TimeSpan.FromTicks(10); // PostgreSQL times have microseconds
        return (from, end >= TimeSpan.FromDays(1) ? TimeOnly.MaxValue : TimeOnly.FromTimeSpan(end));
    }

    private static bool HasWildcard(string value) => value.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>A LIKE pattern: '*' and '?' become '%' and '_' (C.2.2.2.4); LIKE's own specials are escaped.</summary>
    internal static string LikePattern(string value)
    {
        var pattern = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            pattern.Append(c switch
            {
                '*' => "%",
                '?' => "_",
                '%' or '_' or '\\' => "\\" + c,
                _ => c.ToString(),
            });
        }
        return pattern.ToString();
    }
}

/// <summary>Person names as the index stores them for matching.</summary>
internal static class PersonNames
{
    /// <summary>Lower case, without the empty trailing components of each group (<c>Doe^John^^</c> is <c>doe^john</c>).</summary>
    public static string Normalize(string value) =>
        string.Join('=', value.ToLowerInvariant().Split('=').Select(group => group.Trim().TrimEnd('^'))).TrimEnd('=');
}
