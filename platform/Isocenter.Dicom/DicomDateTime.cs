using System.Globalization;

namespace Isocenter.Dicom;

/// <summary>Parsing of DA, TM and DT values (PS3.5 6.2), including partial values and the legacy "YYYY.MM.DD" form.</summary>
public static class DicomDateTime
{
    /// <summary>Parses DA: YYYYMMDD (or ACR-NEMA YYYY.MM.DD).</summary>
    public static DateOnly ParseDate(string value)
    {
        var v = value.Trim().Replace(".", "", StringComparison.Ordinal);
        return DateOnly.ParseExact(v, "yyyyMMdd", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses TM: HH[MM[SS[.F{1-6}]]] (or ACR-NEMA HH:MM:SS).</summary>
    public static TimeOnly ParseTime(string value)
    {
        var v = value.Trim().Replace(":", "", StringComparison.Ordinal);
        var dot = v.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? v : v[..dot];
        if (whole.Length is not (2 or 4 or 6) || !whole.All(char.IsAsciiDigit))
        {
            throw new FormatException($"'{value}' is not a DICOM time (HHMMSS.FFFFFF)");
        }
        var h = int.Parse(whole.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var m = whole.Length >= 4 ? int.Parse(whole.AsSpan(2, 2), CultureInfo.InvariantCulture) : 0;
        var s = whole.Length >= 6 ? int.Parse(whole.AsSpan(4, 2), CultureInfo.InvariantCulture) : 0;
        var ticks = 0L;
        if (dot >= 0 && dot + 1 < v.Length)
        {
            var fraction = v[(dot + 1)..].PadRight(7, '0')[..7];
            ticks = long.Parse(fraction, CultureInfo.InvariantCulture);
        }
        return new TimeOnly(h, m, Math.Min(s, 59)).Add(TimeSpan.FromTicks(ticks));
    }

    /// <summary>Parses DT: YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&amp;ZZXX]; a missing offset means UTC offset zero.</summary>
    public static DateTimeOffset ParseDateTime(string value)
    {
        var v = value.Trim();
        var offset = TimeSpan.Zero;
        var sign = v.IndexOfAny(['+', '-'], 4);
        if (sign > 0)
        {
            var z = v[(sign + 1)..];
            offset = new TimeSpan(int.Parse(z.AsSpan(0, 2), CultureInfo.InvariantCulture), int.Parse(z.AsSpan(2, 2), CultureInfo.InvariantCulture), 0);
            if (v[sign] == '-')
            {
                offset = -offset;
            }
            v = v[..sign];
        }
        var datePart = v.Length switch
        {
            4 => v + "0101",
            6 => v + "01",
            >= 8 => v[..8],
            _ => throw new FormatException($"'{value}' is not a DICOM date time (YYYYMMDDHHMMSS.FFFFFF&ZZXX)"),
        };
        var date = DateOnly.ParseExact(datePart, "yyyyMMdd", CultureInfo.InvariantCulture);
        var time = v.Length > 8 ? ParseTime(v[8..]) : TimeOnly.MinValue;
        return new DateTimeOffset(date.ToDateTime(time), offset);
    }
}
