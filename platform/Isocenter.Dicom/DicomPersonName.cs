namespace Isocenter.Dicom;

/// <summary>A person name (PN, PS3.5 6.2.1): up to three component groups (alphabetic, ideographic, phonetic) of five components.</summary>
/// <param name="Alphabetic">The single-byte (alphabetic) representation.</param>
/// <param name="Ideographic">The ideographic representation, or empty.</param>
/// <param name="Phonetic">The phonetic representation, or empty.</param>
public sealed record DicomPersonName(string Alphabetic, string Ideographic = "", string Phonetic = "")
{
    /// <summary>Family name of the alphabetic group.</summary>
    public string FamilyName => Component(Alphabetic, 0);

    /// <summary>Given name of the alphabetic group.</summary>
    public string GivenName => Component(Alphabetic, 1);

    /// <summary>Middle name of the alphabetic group.</summary>
    public string MiddleName => Component(Alphabetic, 2);

    /// <summary>Name prefix of the alphabetic group.</summary>
    public string Prefix => Component(Alphabetic, 3);

    /// <summary>Name suffix of the alphabetic group.</summary>
    public string Suffix => Component(Alphabetic, 4);

    /// <summary>Splits a PN value at '=' into its component groups.</summary>
    public static DicomPersonName Parse(string value)
    {
        var groups = value.Split('=');
        return new DicomPersonName(groups[0], groups.Length > 1 ? groups[1] : "", groups.Length > 2 ? groups[2] : "");
    }

    /// <summary>The PN value: groups joined with '=', trailing empty groups dropped.</summary>
    public override string ToString() => (Phonetic.Length > 0 ? $"{Alphabetic}={Ideographic}={Phonetic}"
        : Ideographic.Length > 0 ? $"{Alphabetic}={Ideographic}" : Alphabetic);

    private static string Component(string group, int index)
    {
        var parts = group.Split('^');
        return index < parts.Length ? parts[index] : "";
    }
}
