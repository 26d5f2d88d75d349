using System.Globalization;
using System.Text;
using Isocenter.Review.ReadingSets;

namespace Isocenter.Review.Findings;

/// <summary>
/// A reading set's findings as CSV (RFC 4180: CRLF lines, fields with a comma, quote or line break quoted, quotes doubled),
/// one row per finding. Spreadsheets run cells that start with <c>= + - @</c> as formulas: such cells get a leading
/// apostrophe (the OWASP guard against CSV injection), since reviewers type what they like.
/// </summary>
public static class FindingsCsv
{
    /// <summary>The media type.</summary>
    public const string MediaType = "text/csv";

    /// <summary>The CSV of <paramref name="findings"/> of <paramref name="set"/>: a header row, then one row per finding.</summary>
    public static string Write(ReadingSet set, IReadOnlyList<ExportedFinding> findings)
    {
        var csv = new StringBuilder();
        Row(csv, ["reading_set", "reviewer", "case", "study_instance_uid", .. set.Form.Fields.Select(f => f.Id), "comment", "complete", "updated_at"]);
        foreach (var row in findings)
        {
            var finding = row.Finding;
            Row(csv, [set.Name, row.ReviewerName, ReadingSetStore.Label(row.Position), row.StudyInstanceUid,
                .. set.Form.Fields.Select(f => finding.Values.TryGetValue(f.Id, out var value) ? FormField.Text(value) : ""),
                finding.Comment, finding.Complete ? "true" : "false", finding.UpdatedAt?.ToString("O", CultureInfo.InvariantCulture) ?? ""]);
        }
        return csv.ToString();
    }

    /// <summary>A cell as written: guarded against formulas, quoted when RFC 4180 asks.</summary>
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static void Row(StringBuilder csv, IEnumerable<string> cells) => csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
}
