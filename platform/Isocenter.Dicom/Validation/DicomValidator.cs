using System.Globalization;
using System.Text.RegularExpressions;

namespace Isocenter.Dicom.Validation;

/// <summary>How serious a finding is: errors break the standard; warnings are legal but suspicious or retired.</summary>
public enum DicomValidationSeverity
{
    /// <summary>Allowed, but worth a look (retired attribute, VR differing from the dictionary's).</summary>
    Warning,

    /// <summary>Violates PS3.5 (VM, value length, character repertoire, format).</summary>
    Error,
}

/// <summary>One finding of <see cref="DicomValidator"/>.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Path">Where: the element's tag, prefixed by the sequence items that contain it, e.g. "(0008,1140)[0].(0008,1155)".</param>
/// <param name="Message">What is wrong, in a sentence.</param>
public sealed record DicomValidationIssue(DicomValidationSeverity Severity, string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Severity == DicomValidationSeverity.Error ? "E" : "W")}: {Path} {Message}";
}

/// <summary>Checks datasets against the data dictionary and the value rules of PS3.5 6.2 (VR, VM, length, repertoire, format).</summary>
public static partial class DicomValidator
{
    /// <summary>Validates a whole file: meta information, consistency of meta and dataset, then the dataset.</summary>
    public static IReadOnlyList<DicomValidationIssue> Validate(DicomFile file)
    {
        var issues = new List<DicomValidationIssue>();
        foreach (var warning in file.Warnings)
        {
            issues.Add(new DicomValidationIssue(DicomValidationSeverity.Error, "file", warning));
        }
        if (file.FileMetaInformation.Count == 0)
        {
            issues.Add(new DicomValidationIssue(DicomValidationSeverity.Warning, "file", "has no File Meta Information (PS3.10 7.1): it is a bare dataset, not a Part 10 file."));
        }
        else
        {
            ValidateDataset(file.FileMetaInformation, "", issues);
            Same(file, DicomTag.MediaStorageSOPClassUID, DicomTag.SOPClassUID, issues);
            Same(file, DicomTag.MediaStorageSOPInstanceUID, DicomTag.SOPInstanceUID, issues);
        }
        ValidateDataset(file.Dataset, "", issues);
        return issues;
    }

    /// <summary>Validates a dataset and its sequence items.</summary>
    public static IReadOnlyList<DicomValidationIssue> Validate(DicomDataset dataset)
    {
        var issues = new List<DicomValidationIssue>();
        ValidateDataset(dataset, "", issues);
        return issues;
    }

    private static void Same(DicomFile file, DicomTag metaTag, DicomTag datasetTag, List<DicomValidationIssue> issues)
    {
        var meta = file.FileMetaInformation.GetString(metaTag);
        var data = file.Dataset.GetString(datasetTag);
        if (meta != data)
        {
            issues.Add(new DicomValidationIssue(DicomValidationSeverity.Error, metaTag.ToString(),
                $"{metaTag.Keyword} '{meta}' differs from {datasetTag.Keyword} '{data}' of the dataset (PS3.10 7.1)."));
        }
    }

    private static void ValidateDataset(DicomDataset dataset, string prefix, List<DicomValidationIssue> issues)
    {
        foreach (var element in dataset)
        {
            var path = prefix + element.Tag;
            var entry = dataset.FindEntry(element.Tag);
            if (entry is not null)
            {
                if (entry.IsRetired)
                {
                    issues.Add(new(DicomValidationSeverity.Warning, path, $"{entry.Keyword} is retired."));
                }
                if (element.VR != DicomVR.UN && entry.ValueRepresentations.Count > 0 && !entry.ValueRepresentations.Contains(element.VR))
                {
                    issues.Add(new(DicomValidationSeverity.Warning, path,
                        $"{entry.Keyword} has VR {element.VR.Code()}; the dictionary says {string.Join(" or ", entry.ValueRepresentations.Select(v => v.Code()))}."));
                }
            }
            switch (element)
            {
                case DicomSequence sequence:
                    for (var i = 0; i < sequence.Items.Count; i++)
                    {
                        ValidateDataset(sequence.Items[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]."), issues);
                    }
                    break;
                case DicomValueElement value:
                    ValidateValue(value, entry, path, issues);
                    break;
            }
        }
    }

    private static void ValidateValue(DicomValueElement element, DicomDictionaryEntry? entry, string path, List<DicomValidationIssue> issues)
    {
        var vr = element.VR;
        var name = entry?.Keyword ?? "element";
        void Error(string message) => issues.Add(new(DicomValidationSeverity.Error, path, $"{name} ({vr.Code()}): {message}"));

        if ((element.Length & 1) == 1)
        {
            Error($"odd value length {element.Length}; PS3.5 7.1.1 requires even lengths.");
        }
        if (vr.IsBinaryNumber() || vr is DicomVR.OW or DicomVR.OF or DicomVR.OD or DicomVR.OL or DicomVR.OV)
        {
            var size = vr == DicomVR.AT ? 4 : vr.ValueSize();
            if (element.Length % size != 0)
            {
                Error($"length {element.Length} is not a multiple of {size}.");
            }
        }
        if (element.Length == 0)
        {
            return; // empty values are always allowed at this level (type 2 attributes)
        }
        if (vr.IsString())
        {
            string[] values;
            try
            {
                values = element.GetStrings();
            }
            catch (DicomException e)
            {
                Error(e.Message);
                return;
            }
            for (var i = 0; i < values.Length; i++)
            {
                var problem = CheckText(vr, values[i]);
                if (problem is not null)
                {
                    Error($"value {i + 1} '{Shorten(values[i])}' {problem}");
                }
            }
        }
        if (entry is not null && !MatchesVM(element.Count, entry.ValueMultiplicity))
        {
            // Vendors' private dictionaries are descriptions, not rules: a private VM mismatch is only a warning.
            issues.Add(new(entry.PrivateCreator is null ? DicomValidationSeverity.Error : DicomValidationSeverity.Warning, path,
                $"{name} ({vr.Code()}): has {element.Count} values; VM {entry.ValueMultiplicity} is required."));
        }
    }

    /// <summary>Why a single text value breaks PS3.5 6.2 for <paramref name="vr"/>, or null when it is fine.</summary>
    internal static string? CheckText(DicomVR vr, string value)
    {
        var max = vr.MaxValueLength();
        if (vr == DicomVR.PN)
        {
            foreach (var group in value.Split('='))
            {
                if (group.Length > 64)
                {
                    return "has a component group over 64 characters.";
                }
            }
        }
        else if (max > 0 && value.Length > max)
        {
            return $"is {value.Length} characters long; {vr.Code()} allows {max}.";
        }
        var ok = vr switch
        {
            DicomVR.AE => !value.Any(char.IsControl) && value.Trim().Length > 0,
            DicomVR.AS => AgePattern().IsMatch(value),
            DicomVR.CS => CodePattern().IsMatch(value),
            DicomVR.DA => IsDate(value),
            DicomVR.DS => DecimalPattern().IsMatch(value.Trim()),
            DicomVR.IS => long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n is >= int.MinValue and <= int.MaxValue,
            DicomVR.TM => IsTime(value),
            DicomVR.DT => IsDateTime(value),
            DicomVR.UI => DicomUid.IsValid(value),
            DicomVR.UR => !value.StartsWith(' '),
            DicomVR.LT or DicomVR.ST or DicomVR.UT => !value.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\f' or '\t' or '\x1b')),
            _ => !value.Any(c => char.IsControl(c) && c != '\x1b'),
        };
        return ok ? null : vr switch
        {
            DicomVR.AS => "is not an age string (nnnD, nnnW, nnnM or nnnY).",
            DicomVR.CS => "is not a code string (upper-case letters, digits, space and underscore).",
            DicomVR.DA => "is not a date (YYYYMMDD).",
            DicomVR.DS => "is not a decimal string.",
            DicomVR.IS => "is not an integer string within 32 bits.",
            DicomVR.TM => "is not a time (HHMMSS.FFFFFF).",
            DicomVR.DT => "is not a date time (YYYYMMDDHHMMSS.FFFFFF&ZZXX).",
            DicomVR.UI => "is not a UID (digits and dots, no leading zeros, at most 64 characters).",
            _ => "holds characters this VR does not allow.",
        };
    }

    /// <summary>True when <paramref name="count"/> values satisfy a PS3.6 VM such as "1", "1-3", "2-2n", "1-n".</summary>
    internal static bool MatchesVM(int count, string vm)
    {
        if (count == 0)
        {
            return true;
        }
        var parts = vm.Split('-');
        if (!int.TryParse(parts[0], CultureInfo.InvariantCulture, out var min))
        {
            return true;
        }
        if (parts.Length == 1)
        {
            return count == min;
        }
        var upper = parts[1];
        if (upper.EndsWith('n'))
        {
            var step = upper.Length == 1 ? 1 : int.Parse(upper[..^1], CultureInfo.InvariantCulture);
            return count >= min && count % step == 0;
        }
        return count >= min && count <= int.Parse(upper, CultureInfo.InvariantCulture);
    }

    private static bool IsDate(string value) =>
        value.Length == 8 && DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsTime(string value) => TimePattern().IsMatch(value);

    private static bool IsDateTime(string value)
    {
        try
        {
            DicomDateTime.ParseDateTime(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;

    [GeneratedRegex("^[0-9]{3}[DWMY]$")]
    private static partial Regex AgePattern();

    [GeneratedRegex("^[A-Z0-9 _]*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex("^([01][0-9]|2[0-3])([0-5][0-9](([0-5][0-9]|60)(\\.[0-9]{1,6})?)?)?$")]
    private static partial Regex TimePattern();
}
