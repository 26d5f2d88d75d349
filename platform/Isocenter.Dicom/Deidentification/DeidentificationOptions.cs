namespace Isocenter.Dicom.Deidentification;

/// <summary>A private data element the Retain Safe Private option may keep: its private creator, group and element byte (xxEE).</summary>
/// <param name="Creator">The private creator, e.g. "SIEMENS CSA HEADER".</param>
/// <param name="Group">The odd group.</param>
/// <param name="Element">The element within the creator's block (the low byte of the element number).</param>
public sealed record SafePrivateTag(string Creator, ushort Group, byte Element);

/// <summary>
/// The PS3.15 Annex E options applied on top of the Basic Application Level Confidentiality Profile (all false: the Basic
/// Profile alone). Clean Pixel Data and Clean Recognizable Visual Features are not offered: pixel data is never inspected.
/// </summary>
public sealed record DeidentificationOptions
{
    /// <summary>Retain Longitudinal Temporal Information with Full Dates: dates and times kept as they are.</summary>
    public bool RetainLongitudinalTemporalInformationFullDates { get; init; }

    /// <summary>Retain Longitudinal Temporal Information with Modified Dates: dates shifted by a per-patient offset.</summary>
    public bool RetainLongitudinalTemporalInformationModifiedDates { get; init; }

    /// <summary>Retain Patient Characteristics: sex, age, size, weight, ethnic group, smoking and pregnancy status.</summary>
    public bool RetainPatientCharacteristics { get; init; }

    /// <summary>Retain Device Identity: station name, serial numbers, device UIDs.</summary>
    public bool RetainDeviceIdentity { get; init; }

    /// <summary>Retain Institution Identity: institution name, address, department.</summary>
    public bool RetainInstitutionIdentity { get; init; }

    /// <summary>Retain UIDs: every UID kept as it is.</summary>
    public bool RetainUids { get; init; }

    /// <summary>Clean Descriptors: descriptions kept with only the words of a safe vocabulary instead of removed.</summary>
    public bool CleanDescriptors { get; init; }

    /// <summary>Clean Structured Content: structured content sequences kept, their items de-identified and their text cleaned.</summary>
    public bool CleanStructuredContent { get; init; }

    /// <summary>Clean Graphics: graphic annotations kept with their text cleaned (overlay and curve data are still removed).</summary>
    public bool CleanGraphics { get; init; }

    /// <summary>Retain Safe Private: the private elements in <see cref="SafePrivateTags"/> are kept; every other one is removed.</summary>
    public bool RetainSafePrivate { get; init; }

    /// <summary>The private elements Retain Safe Private keeps.</summary>
    public IReadOnlyCollection<SafePrivateTag> SafePrivateTags { get; init; } = [];

    /// <summary>The Basic Profile alone.</summary>
    public static DeidentificationOptions Basic { get; } = new();

    /// <summary>True when the option of Table E.1-1's column <paramref name="option"/> is on.</summary>
    public bool IsEnabled(DeidentificationOption option) => option switch
    {
        DeidentificationOption.RetainSafePrivate => RetainSafePrivate,
        DeidentificationOption.RetainUids => RetainUids,
        DeidentificationOption.RetainDeviceIdentity => RetainDeviceIdentity,
        DeidentificationOption.RetainInstitutionIdentity => RetainInstitutionIdentity,
        DeidentificationOption.RetainPatientCharacteristics => RetainPatientCharacteristics,
        DeidentificationOption.RetainLongitudinalTemporalInformationFullDates => RetainLongitudinalTemporalInformationFullDates,
        DeidentificationOption.RetainLongitudinalTemporalInformationModifiedDates => RetainLongitudinalTemporalInformationModifiedDates,
        DeidentificationOption.CleanDescriptors => CleanDescriptors,
        DeidentificationOption.CleanStructuredContent => CleanStructuredContent,
        DeidentificationOption.CleanGraphics => CleanGraphics,
        _ => throw new ArgumentOutOfRangeException(nameof(option)),
    };
}
