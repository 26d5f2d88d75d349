using System.Globalization;
using Isocenter.Dicom;
using Isocenter.Index;

namespace Isocenter.DicomWeb.Query;

/// <summary>
/// The <see cref="IndexQuery"/> of a QIDO-RS request (PS3.18 10.6.1.2, 8.3.4): matching keys by keyword or tag with their
/// values, <c>includefield</c>, <c>limit</c>, <c>offset</c> and <c>fuzzymatching</c>, on top of the default return
/// attributes of the level (PS3.18 10.6.3.3). Anything it cannot take throws a 400 <see cref="DicomWebException"/>.
/// </summary>
internal static class QidoQuery
{
    /// <summary>PS3.18 Table 10.6.3-3: the attributes every study match returns.</summary>
    private static readonly DicomTag[] StudyDefaults =
    [
        DicomTag.StudyDate, DicomTag.StudyTime, DicomTag.AccessionNumber, DicomTag.ModalitiesInStudy, DicomTag.ReferringPhysicianName,
        DicomTag.TimezoneOffsetFromUTC, DicomTag.PatientName, DicomTag.PatientID, DicomTag.PatientBirthDate, DicomTag.PatientSex,
        DicomTag.StudyInstanceUID, DicomTag.StudyID, DicomTag.NumberOfStudyRelatedSeries, DicomTag.NumberOfStudyRelatedInstances,
    ];

    /// <summary>PS3.18 Table 10.6.3-4: the attributes every series match returns.</summary>
    private static readonly DicomTag[] SeriesDefaults =
    [
        DicomTag.Modality, DicomTag.TimezoneOffsetFromUTC, DicomTag.SeriesDescription, DicomTag.SeriesInstanceUID, DicomTag.SeriesNumber,
        DicomTag.NumberOfSeriesRelatedInstances, DicomTag.PerformedProcedureStepStartDate, DicomTag.PerformedProcedureStepStartTime,
        DicomTag.RequestAttributesSequence,
    ];

    /// <summary>PS3.18 Table 10.6.3-5: the attributes every instance match returns.</summary>
    private static readonly DicomTag[] InstanceDefaults =
    [
        DicomTag.SOPClassUID, DicomTag.SOPInstanceUID, DicomTag.TimezoneOffsetFromUTC, DicomTag.InstanceNumber, DicomTag.Rows,
        DicomTag.Columns, DicomTag.BitsAllocated, DicomTag.NumberOfFrames,
    ];

    /// <summary>What <c>includefield=all</c> adds to the defaults: the other attributes the index holds or derives.</summary>
    private static readonly DicomTag[] AllExtra =
    [
        DicomTag.IssuerOfPatientID, DicomTag.StudyDescription, DicomTag.BodyPartExamined, DicomTag.NumberOfPatientRelatedStudies,
        DicomTag.NumberOfPatientRelatedSeries, DicomTag.NumberOfPatientRelatedInstances,
    ];

    private static readonly HashSet<string> Reserved = new(["includefield", "limit", "offset", "fuzzymatching", "accept", "charset"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The query of a search at <paramref name="level"/>, within <paramref name="study"/> and <paramref name="series"/> when
    /// given; its <see cref="IndexQuery.Limit"/> is the request's <c>limit</c>, at most <paramref name="maxResults"/>.
    /// </summary>
    public static IndexQuery Build(IQueryCollection parameters, QueryLevel level, string? study, string? series, int maxResults)
    {
        var identifier = new DicomDataset();
        // PS3.18 10.6.3.3: searches of all series or of instances return the attributes of the levels above as well.
        var (withStudy, withSeries) = (study is null, level == QueryLevel.Image && series is null);
        AddReturnKeys(identifier, level, withStudy, withSeries, all: false);
        var (limit, offset, fuzzy) = (maxResults, 0, false);
        foreach (var (name, values) in parameters)
        {
            switch (name.ToLowerInvariant())
            {
                case "includefield":
                    foreach (var field in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
                    {
                        if (field.Equals("all", StringComparison.OrdinalIgnoreCase))
                        {
                            AddReturnKeys(identifier, level, withStudy: true, withSeries: level == QueryLevel.Image, all: true);
                        }
                        else
                        {
                            var (tag, vr) = Attribute(field);
                            AddReturnKey(identifier, tag, vr);
                        }
                    }
                    break;
                case "limit":
                    limit = Math.Min(Integer(name, values, minimum: 1), maxResults);
                    break;
                case "offset":
                    offset = Integer(name, values, minimum: 0);
                    break;
                case "fuzzymatching":
                    fuzzy = Single(name, values) switch
                    {
                        "true" => true,
                        "false" => false,
                        var other => throw DicomWebException.BadRequest($"fuzzymatching must be true or false, not '{other}'."),
                    };
                    break;
                case var _ when Reserved.Contains(name):
                    break;
                default:
                    var value = Single(name, values);
                    if (value.Length == 0)
                    {
                        var (tag, vr) = Attribute(name);
                        AddReturnKey(identifier, tag, vr); // PS3.18 8.3.4.1: an empty value is universal matching
                    }
                    else
                    {
                        identifier.Add(MatchingKey(name, value));
                    }
                    break;
            }
        }
        if (study is not null)
        {
            identifier.Add(DicomValueElement.FromStrings(DicomTag.StudyInstanceUID, DicomVR.UI, Uid(study)));
        }
        if (series is not null)
        {
            identifier.Add(DicomValueElement.FromStrings(DicomTag.SeriesInstanceUID, DicomVR.UI, Uid(series)));
        }
        return new IndexQuery(level, identifier, fuzzy, limit, offset);
    }

    /// <summary>A UID of the path (PS3.5 9.1: digits and dots, at most 64 characters); anything else throws a 400.</summary>
    public static string Uid(string uid) =>
        uid.Length is > 0 and <= 64 && uid.All(c => char.IsAsciiDigit(c) || c == '.')
            ? uid
            : throw DicomWebException.BadRequest($"'{uid}' is not a UID: digits and dots, at most 64 characters.");

    private static void AddReturnKeys(DicomDataset identifier, QueryLevel level, bool withStudy, bool withSeries, bool all)
    {
        IEnumerable<DicomTag> tags = level switch
        {
            QueryLevel.Study => StudyDefaults,
            QueryLevel.Series => withStudy ? [.. StudyDefaults, .. SeriesDefaults] : SeriesDefaults,
            _ => [.. withStudy ? StudyDefaults : [], .. withSeries ? SeriesDefaults : [], .. InstanceDefaults],
        };
        foreach (var tag in all ? tags.Concat(AllExtra) : tags)
        {
            AddReturnKey(identifier, tag, DicomDictionary.Find(tag)!.DefaultVR);
        }
    }

    /// <summary>Adds an empty element (a return key) unless the identifier has the attribute already (a matching key).</summary>
    private static void AddReturnKey(DicomDataset identifier, DicomTag tag, DicomVR vr)
    {
        if (!identifier.Contains(tag))
        {
            identifier.Add(vr == DicomVR.SQ ? new DicomSequence(tag) : new DicomValueElement(tag, vr, DicomBuffer.Empty));
        }
    }

    /// <summary>A matching key (PS3.18 8.3.4.1): UIDs as a comma- or backslash-separated list, other values as given.</summary>
    private static DicomValueElement MatchingKey(string name, string value)
    {
        var (tag, vr) = Attribute(name);
        if (vr == DicomVR.SQ)
        {
            throw DicomWebException.BadRequest($"{name} is a sequence: sequence matching is not supported.");
        }
        try
        {
            return vr == DicomVR.UI
                ? DicomValueElement.FromStrings(tag, vr, value.Split([',', '\\'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                : DicomValueElement.FromStrings(tag, vr, value);
        }
        catch (Exception e) when (e is DicomDataException or FormatException or OverflowException)
        {
            throw DicomWebException.BadRequest($"'{value}' is not a value of {name}: {e.Message}");
        }
    }

    /// <summary>An attribute by keyword or tag (ggggeeee) and its VR; nested paths and unknown attributes throw a 400.</summary>
    private static (DicomTag Tag, DicomVR VR) Attribute(string name)
    {
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw DicomWebException.BadRequest($"'{name}' is a path into a sequence: matching on nested attributes is not supported.");
        }
        if (!DicomTag.TryParse(name, out var tag) || DicomDictionary.Find(tag) is not { } entry || entry.DefaultVR == DicomVR.None)
        {
            throw DicomWebException.BadRequest($"'{name}' is not an attribute: expected a keyword of the data dictionary (PatientName) or a tag (00100010).");
        }
        return (tag, entry.DefaultVR);
    }

    private static string Single(string name, IEnumerable<string?> values) =>
        values.ToList() is [var value] ? value ?? "" : throw DicomWebException.BadRequest($"{name} is given more than once.");

    private static int Integer(string name, IEnumerable<string?> values, int minimum) =>
        int.TryParse(Single(name, values), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw DicomWebException.BadRequest($"{name} must be a whole number of at least {minimum}.");
}
