using System.Collections.Frozen;
using System.Globalization;

namespace Isocenter.Dicom.Deidentification;

/// <summary>
/// De-identifies datasets by PS3.15 Annex E's Basic Application Level Confidentiality Profile and the options in
/// <see cref="DeidentificationOptions"/>, driven by Table E.1-1 (<see cref="ConfidentialityProfile"/>), with the keyed
/// replacements of <see cref="DeidentificationKeys"/>. See docs/deidentification.md for what each action does here.
/// </summary>
public sealed class Deidentifier
{
    /// <summary>The dummy text of action D (and of Z where a value is required) for text VRs.</summary>
    public const string DummyText = "DEIDENTIFIED";

    // SOP classes whose instances commonly carry burned-in text (PS3.15 E.3.1 singles out secondary capture, ultrasound and
    // visible light images); without Burned In Annotation (0028,0301) saying NO, they are held back.
    private static readonly FrozenSet<string> BurnedInProne = new[]
    {
        "1.2.840.10008.5.1.4.1.1.7", // Secondary Capture Image Storage
        "1.2.840.10008.5.1.4.1.1.7.1", // Multi-frame Single Bit Secondary Capture
        "1.2.840.10008.5.1.4.1.1.7.2", // Multi-frame Grayscale Byte Secondary Capture
        "1.2.840.10008.5.1.4.1.1.7.3", // Multi-frame Grayscale Word Secondary Capture
        "1.2.840.10008.5.1.4.1.1.7.4", // Multi-frame True Color Secondary Capture
        "1.2.840.10008.5.1.4.1.1.6.1", // Ultrasound Image Storage
        "1.2.840.10008.5.1.4.1.1.6.2", // Enhanced US Volume Storage
        "1.2.840.10008.5.1.4.1.1.3.1", // Ultrasound Multi-frame Image Storage
        "1.2.840.10008.5.1.4.1.1.77.1.1", // VL Endoscopic Image Storage
        "1.2.840.10008.5.1.4.1.1.77.1.1.1", // Video Endoscopic Image Storage
        "1.2.840.10008.5.1.4.1.1.77.1.4", // VL Photographic Image Storage
        "1.2.840.10008.5.1.4.1.1.77.1.4.1", // Video Photographic Image Storage
    }.ToFrozenSet(StringComparer.Ordinal);

    // Coded values inside cleaned structured content are kept as they are: they come from coding schemes, not from people.
    private static readonly FrozenSet<DicomTag> CodeAttributes = new[]
    {
        DicomTag.CodeValue, DicomTag.CodingSchemeDesignator, DicomTag.CodingSchemeVersion, DicomTag.CodeMeaning,
        DicomTag.LongCodeValue, DicomTag.URNCodeValue,
    }.ToFrozenSet();

    private readonly DeidentificationKeys _keys;
    private readonly DeidentificationOptions _options;
    private readonly FrozenSet<(string Creator, ushort Group, byte Element)> _safePrivate;

    /// <summary>Creates a de-identifier with <paramref name="keys"/> and <paramref name="options"/>.</summary>
    public Deidentifier(DeidentificationKeys keys, DeidentificationOptions options)
    {
        if (options.RetainLongitudinalTemporalInformationFullDates && options.RetainLongitudinalTemporalInformationModifiedDates)
        {
            throw new ArgumentException("Retain Longitudinal Temporal Information with Full Dates and with Modified Dates exclude each other: choose one.", nameof(options));
        }
        _keys = keys;
        _options = options;
        _safePrivate = options.RetainSafePrivate
            ? options.SafePrivateTags.Select(t => (t.Creator.Trim(), t.Group, t.Element)).ToFrozenSet()
            : FrozenSet<(string, ushort, byte)>.Empty;
    }

    /// <summary>
    /// The single action Table E.1-1 gives <paramref name="row"/> under <paramref name="options"/>: an enabled option's code
    /// (K before C before X when several apply), else the Basic Profile's, a combined code resolved to the alternative valid
    /// whatever the IOD's type: D when offered (Z/D, X/D, X/Z/D), else Z (X/Z), U* for X/Z/U*.
    /// </summary>
    public static string ResolveAction(ConfidentialityProfileRow row, DeidentificationOptions options)
    {
        string? chosen = null;
        foreach (var (option, code) in row.Options)
        {
            if (!options.IsEnabled(option))
            {
                continue;
            }
            if (code == "K")
            {
                return code;
            }
            chosen = chosen == "C" ? chosen : code;
        }
        return chosen ?? row.BasicProfile switch
        {
            "Z/D" or "X/D" or "X/Z/D" => "D",
            "X/Z" => "Z",
            "X/Z/U*" => "U*",
            var code => code,
        };
    }

    /// <summary>
    /// Why an instance must be held back for possible burned-in annotation, or null: Burned In Annotation (0028,0301) is YES,
    /// or it is absent (or not NO) in a SOP class that commonly carries burned-in text (secondary capture, ultrasound, visible light
    /// endoscopic and photographic images and videos).
    /// </summary>
    public static string? BurnedInAnnotationReason(DicomDataset dataset)
    {
        var flag = dataset.GetString(DicomTag.BurnedInAnnotation)?.Trim().ToUpperInvariant();
        if (flag == "YES")
        {
            return "Burned In Annotation (0028,0301) is YES";
        }
        var sopClass = dataset.GetString(DicomTag.SOPClassUID) ?? "";
        if (flag != "NO" && BurnedInProne.Contains(sopClass))
        {
            var name = DicomUid.Find(sopClass)?.Name ?? sopClass;
            return $"Burned In Annotation (0028,0301) is {(flag is null ? "absent" : $"'{flag}'")} in a {name} instance, a kind that often has burned-in text";
        }
        return null;
    }

    /// <summary>De-identifies a copy of <paramref name="dataset"/> (which is left unchanged), or holds it back for burned-in annotation.</summary>
    public DeidentificationResult Deidentify(DicomDataset dataset)
    {
        var reason = BurnedInAnnotationReason(dataset);
        if (reason is not null)
        {
            return new DeidentificationResult(null, true, reason, []);
        }
        var patientId = dataset.GetString(DicomTag.PatientID) ?? "";
        var issuer = dataset.GetString(DicomTag.IssuerOfPatientID);
        var offsetDays = _keys.DateOffsetDays(patientId, issuer);
        var output = new DicomDataset();
        Process(dataset, output, offsetDays, clean: false);

        var pseudonym = _keys.PseudonymousPatientId(patientId, issuer);
        output.Set(DicomTag.PatientID, pseudonym);
        output.Set(DicomTag.PatientName, _keys.PseudonymousPatientName(patientId, issuer));
        output.Set(DicomTag.PatientIdentityRemoved, "YES");
        output.Set(DicomTag.LongitudinalTemporalInformationModified,
            _options.RetainLongitudinalTemporalInformationFullDates ? "UNMODIFIED"
            : _options.RetainLongitudinalTemporalInformationModifiedDates ? "MODIFIED" : "REMOVED");
        var methods = MethodCodes().ToList();
        output.Set(DicomTag.DeidentificationMethod, [.. methods.Select(m => m.Meaning)]);
        output.Set(DicomTag.DeidentificationMethodCodeSequence, [.. methods.Select(m => new DicomDataset()
            .Set(DicomTag.CodeValue, m.Code)
            .Set(DicomTag.CodingSchemeDesignator, "DCM")
            .Set(DicomTag.CodeMeaning, m.Meaning))]);

        var mappings = new List<DeidentificationMapping> { new("patient", patientId, pseudonym) };
        AddMapping(mappings, "study", dataset, output, DicomTag.StudyInstanceUID);
        AddMapping(mappings, "series", dataset, output, DicomTag.SeriesInstanceUID);
        AddMapping(mappings, "instance", dataset, output, DicomTag.SOPInstanceUID);
        return new DeidentificationResult(output, false, null, mappings);
    }

    private static void AddMapping(List<DeidentificationMapping> mappings, string kind, DicomDataset original, DicomDataset copy, DicomTag tag)
    {
        if (original.GetString(tag) is { Length: > 0 } uid)
        {
            mappings.Add(new DeidentificationMapping(kind, uid, copy.GetString(tag) ?? ""));
        }
    }

    private IEnumerable<(string Code, string Meaning)> MethodCodes()
    {
        yield return ("113100", "Basic Application Confidentiality Profile");
        if (_options.CleanGraphics)
        {
            yield return ("113103", "Clean Graphics Option");
        }
        if (_options.CleanStructuredContent)
        {
            yield return ("113104", "Clean Structured Content Option");
        }
        if (_options.CleanDescriptors)
        {
            yield return ("113105", "Clean Descriptors Option");
        }
        if (_options.RetainLongitudinalTemporalInformationFullDates)
        {
            yield return ("113106", "Retain Longitudinal Temporal Information Full Dates Option");
        }
        if (_options.RetainLongitudinalTemporalInformationModifiedDates)
        {
            yield return ("113107", "Retain Longitudinal Temporal Information Modified Dates Option");
        }
        if (_options.RetainPatientCharacteristics)
        {
            yield return ("113108", "Retain Patient Characteristics Option");
        }
        if (_options.RetainDeviceIdentity)
        {
            yield return ("113109", "Retain Device Identity Option");
        }
        if (_options.RetainUids)
        {
            yield return ("113110", "Retain UIDs Option");
        }
        if (_options.RetainSafePrivate)
        {
            yield return ("113111", "Retain Safe Private Option");
        }
        if (_options.RetainInstitutionIdentity)
        {
            yield return ("113112", "Retain Institution Identity Option");
        }
    }

    private void Process(DicomDataset source, DicomDataset target, int offsetDays, bool clean)
    {
        foreach (var element in source)
        {
            var tag = element.Tag;
            if (tag.IsGroupLength || tag.IsPrivateCreator)
            {
                continue; // lengths change; private creators come back with the private elements kept
            }
            if (tag.IsPrivate)
            {
                if (_safePrivate.Contains((source.GetPrivateCreator(tag) ?? "", tag.Group, (byte)tag.Element))
                    && source[tag.PrivateCreatorTag] is { } creator)
                {
                    target.Add(creator);
                    Apply("K", element, target, offsetDays, clean);
                }
                continue;
            }
            var row = ConfidentialityProfile.Find(tag);
            Apply(row is null ? UnlistedAction(element, clean) : ResolveAction(row, _options), element, target, offsetDays, clean);
        }
    }

    // Attributes Table E.1-1 does not list are kept, except where keeping them would defeat the profile: UIDs that are not
    // well-known (registry) UIDs are replaced like the table's U rows, dates and times follow the temporal options, person
    // names are removed; inside cleaned structured content, free text is cleaned.
    private string UnlistedAction(DicomElement element, bool clean)
    {
        var temporal = _options.RetainLongitudinalTemporalInformationFullDates ? "K"
            : _options.RetainLongitudinalTemporalInformationModifiedDates ? "C" : "X";
        return element switch
        {
            DicomSequence => "K",
            DicomValueElement { VR: DicomVR.UI } v => _options.RetainUids || v.GetStrings().All(u => DicomUid.Find(u) is not null) ? "K" : "U",
            { VR: DicomVR.DA or DicomVR.DT } => temporal,
            { VR: DicomVR.TM } => temporal == "C" ? "K" : temporal,
            { VR: DicomVR.PN } => "X",
            { VR: DicomVR.LO or DicomVR.LT or DicomVR.SH or DicomVR.ST or DicomVR.UT or DicomVR.UC } when clean && !CodeAttributes.Contains(element.Tag) => "C",
            _ => "K",
        };
    }

    private void Apply(string action, DicomElement element, DicomDataset target, int offsetDays, bool clean)
    {
        switch (action, element)
        {
            case ("X", _):
                break;
            case ("Z" or "D", DicomSequence sq):
                target.Add(new DicomSequence(sq.Tag)); // items of a replaced sequence would need de-identifying content: none is kept
                break;
            case ("Z", DicomValueElement v):
                target.Add(new DicomValueElement(v.Tag, v.VR, DicomBuffer.Empty));
                break;
            case ("D", DicomValueElement v):
                target.Add(Dummy(v, offsetDays));
                break;
            case ("K", DicomSequence sq):
                target.Add(Recurse(sq, offsetDays, clean));
                break;
            case ("C" or "U*", DicomSequence sq):
                // U* keeps a reference sequence for its (remapped) UIDs; free text in its items is cleaned like C's
                target.Add(Recurse(sq, offsetDays, clean: true));
                break;
            case ("U", DicomValueElement { VR: DicomVR.UI } v):
                target.Add(DicomValueElement.FromStrings(v.Tag, DicomVR.UI, [.. v.GetStrings().Select(_keys.MapUid)]));
                break;
            case ("C", DicomValueElement v):
                if (Clean(v, offsetDays) is { } cleaned)
                {
                    target.Add(cleaned);
                }
                break;
            default:
                target.Add(element); // K, and U on a value that is no UID
                break;
        }
    }

    private DicomSequence Recurse(DicomSequence sequence, int offsetDays, bool clean) => new(sequence.Tag, sequence.Items.Select(item =>
    {
        var copy = new DicomDataset();
        Process(item, copy, offsetDays, clean);
        return copy;
    }));

    private DicomValueElement Dummy(DicomValueElement v, int offsetDays) => v.VR switch
    {
        DicomVR.UI => DicomValueElement.FromStrings(v.Tag, DicomVR.UI, [.. v.GetStrings().Select(_keys.MapUid)]),
        DicomVR.DA => ShiftOrDummy(v, offsetDays, "19000101"),
        DicomVR.DT => ShiftOrDummy(v, offsetDays, "19000101000000"),
        DicomVR.TM => DicomValueElement.FromStrings(v.Tag, DicomVR.TM, "000000"),
        DicomVR.AS => DicomValueElement.FromStrings(v.Tag, DicomVR.AS, "000D"),
        DicomVR.DS or DicomVR.IS => DicomValueElement.FromStrings(v.Tag, v.VR, "0"),
        DicomVR.UR => DicomValueElement.FromStrings(v.Tag, DicomVR.UR, "urn:deidentified"),
        DicomVR.AT => DicomValueElement.FromTags(v.Tag, new DicomTag(0)),
        _ when v.VR.IsString() => DicomValueElement.FromStrings(v.Tag, v.VR, DummyText),
        _ => new DicomValueElement(v.Tag, v.VR, DicomBuffer.FromBytes(new byte[Math.Max(2, v.VR.ValueSize())])),
    };

    // D on a date under Modified Dates keeps the shifted date (the option's C), otherwise a fixed dummy date.
    private DicomValueElement ShiftOrDummy(DicomValueElement v, int offsetDays, string dummy) =>
        (_options.RetainLongitudinalTemporalInformationModifiedDates ? Shift(v, offsetDays) : null)
        ?? DicomValueElement.FromStrings(v.Tag, v.VR, dummy);

    private static DicomValueElement? Clean(DicomValueElement v, int offsetDays) => v.VR switch
    {
        DicomVR.DA or DicomVR.DT => Shift(v, offsetDays),
        DicomVR.TM => v, // times of day are kept: only dates are shifted
        DicomVR.LO or DicomVR.LT or DicomVR.SH or DicomVR.ST or DicomVR.UT or DicomVR.UC or DicomVR.CS
            => DicomValueElement.FromStrings(v.Tag, v.VR, [.. v.GetStrings().Select(DescriptorCleaner.Clean)]),
        _ => null, // nothing else can be cleaned (e.g. overlay bitmaps): removed
    };

    /// <summary>Shifts DA values (YYYYMMDD) and the date part of DT values by <paramref name="offsetDays"/>; null when a value is no full date.</summary>
    private static DicomValueElement? Shift(DicomValueElement v, int offsetDays)
    {
        var values = v.GetStrings();
        var shifted = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i].Trim();
            if (value.Length < 8 || !DateOnly.TryParseExact(value[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return null;
            }
            shifted[i] = date.AddDays(offsetDays).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + value[8..];
        }
        return DicomValueElement.FromStrings(v.Tag, v.VR, shifted);
    }
}
