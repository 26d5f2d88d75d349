using System.Collections.Frozen;
using Isocenter.Dicom;

namespace Isocenter.Index.Query;

/// <summary>How a matching key's value is compared with its column (PS3.4 C.2.2.2).</summary>
internal enum MatchKind
{
    /// <summary>Single value (case-sensitive) or wildcard matching on text.</summary>
    Text,

    /// <summary>Like <see cref="Text"/>, case-insensitively on the lower-cased name (C.2.2.2.1 allows it for PN); word-prefix under fuzzy matching.</summary>
    PersonName,

    /// <summary>Single value or list of UID matching (C.2.2.2.2); no wildcards.</summary>
    Uid,

    /// <summary>Single value or range matching on a date column (C.2.2.2.5).</summary>
    Date,

    /// <summary>Single value or range matching on a time column (C.2.2.2.5).</summary>
    Time,

    /// <summary>Single value matching on an integer column (IS).</summary>
    Integer,

    /// <summary>A text array column matching when it holds one of the values (Modalities in Study).</summary>
    AnyOf,
}

/// <summary>An attribute with a column of its own: its level, the column (with its table's alias) and how it matches.</summary>
internal sealed record IndexKey(DicomTag Tag, QueryLevel Level, string Column, MatchKind Kind);

/// <summary>The attributes the index has columns for, and which level's header answers each return key.</summary>
internal static class IndexKeys
{
    /// <summary>The keys with a column, by tag.</summary>
    public static FrozenDictionary<DicomTag, IndexKey> Columns { get; } = new IndexKey[]
    {
        new(DicomTag.PatientID, QueryLevel.Patient, "p.patient_id", MatchKind.Text),
        new(DicomTag.IssuerOfPatientID, QueryLevel.Patient, "p.issuer_of_patient_id", MatchKind.Text),
        new(DicomTag.PatientName, QueryLevel.Patient, "p.patient_name_norm", MatchKind.PersonName),
        new(DicomTag.PatientBirthDate, QueryLevel.Patient, "p.patient_birth_date", MatchKind.Date),
        new(DicomTag.PatientSex, QueryLevel.Patient, "p.patient_sex", MatchKind.Text),
        new(DicomTag.StudyInstanceUID, QueryLevel.Study, "st.study_instance_uid", MatchKind.Uid),
        new(DicomTag.StudyDate, QueryLevel.Study, "st.study_date", MatchKind.Date),
        new(DicomTag.StudyTime, QueryLevel.Study, "st.study_time", MatchKind.Time),
        new(DicomTag.AccessionNumber, QueryLevel.Study, "st.accession_number", MatchKind.Text),
        new(DicomTag.StudyID, QueryLevel.Study, "st.study_id", MatchKind.Text),
        new(DicomTag.ReferringPhysicianName, QueryLevel.Study, "st.referring_physician_name_norm", MatchKind.PersonName),
        new(DicomTag.StudyDescription, QueryLevel.Study, "st.study_description", MatchKind.Text),
        new(DicomTag.ModalitiesInStudy, QueryLevel.Study, "st.modalities_in_study", MatchKind.AnyOf),
        new(DicomTag.SeriesInstanceUID, QueryLevel.Series, "se.series_instance_uid", MatchKind.Uid),
        new(DicomTag.Modality, QueryLevel.Series, "se.modality", MatchKind.Text),
        new(DicomTag.SeriesNumber, QueryLevel.Series, "se.series_number", MatchKind.Integer),
        new(DicomTag.SeriesDescription, QueryLevel.Series, "se.series_description", MatchKind.Text),
        new(DicomTag.BodyPartExamined, QueryLevel.Series, "se.body_part_examined", MatchKind.Text),
        new(DicomTag.PerformedProcedureStepStartDate, QueryLevel.Series, "se.performed_procedure_step_start_date", MatchKind.Date),
        new(DicomTag.PerformedProcedureStepStartTime, QueryLevel.Series, "se.performed_procedure_step_start_time", MatchKind.Time),
        new(DicomTag.SOPInstanceUID, QueryLevel.Image, "i.sop_instance_uid", MatchKind.Uid),
        new(DicomTag.SOPClassUID, QueryLevel.Image, "i.sop_class_uid", MatchKind.Uid),
        new(DicomTag.InstanceNumber, QueryLevel.Image, "i.instance_number", MatchKind.Integer),
    }.ToFrozenDictionary(k => k.Tag);

    /// <summary>
    /// Attributes of the Patient and Study levels (PS3.4 C.6.1.1.2-3, C.6.2.1.2): a match at a lower level answers them from
    /// its patient's or study's header; any other attribute comes from the header of the match's own level.
    /// </summary>
    private static readonly FrozenDictionary<DicomTag, QueryLevel> UpperLevelAttributes = new[]
    {
        (DicomTag.PatientName, QueryLevel.Patient), (DicomTag.PatientID, QueryLevel.Patient), (DicomTag.IssuerOfPatientID, QueryLevel.Patient),
        (DicomTag.PatientBirthDate, QueryLevel.Patient), (DicomTag.PatientBirthTime, QueryLevel.Patient), (DicomTag.PatientSex, QueryLevel.Patient),
        (DicomTag.OtherPatientIDsSequence, QueryLevel.Patient), (DicomTag.OtherPatientNames, QueryLevel.Patient),
        (DicomTag.EthnicGroup, QueryLevel.Patient), (DicomTag.PatientComments, QueryLevel.Patient),
        (DicomTag.StudyInstanceUID, QueryLevel.Study), (DicomTag.StudyDate, QueryLevel.Study), (DicomTag.StudyTime, QueryLevel.Study),
        (DicomTag.AccessionNumber, QueryLevel.Study), (DicomTag.StudyID, QueryLevel.Study), (DicomTag.ReferringPhysicianName, QueryLevel.Study),
        (DicomTag.StudyDescription, QueryLevel.Study), (DicomTag.NameOfPhysiciansReadingStudy, QueryLevel.Study),
        (DicomTag.PatientAge, QueryLevel.Study), (DicomTag.PatientSize, QueryLevel.Study), (DicomTag.PatientWeight, QueryLevel.Study),
        (DicomTag.AdmittingDiagnosesDescription, QueryLevel.Study), (DicomTag.ProcedureCodeSequence, QueryLevel.Study),
        (DicomTag.SeriesInstanceUID, QueryLevel.Series), (DicomTag.Modality, QueryLevel.Series), (DicomTag.SeriesNumber, QueryLevel.Series),
        (DicomTag.SeriesDescription, QueryLevel.Series), (DicomTag.BodyPartExamined, QueryLevel.Series),
        (DicomTag.PerformedProcedureStepStartDate, QueryLevel.Series), (DicomTag.PerformedProcedureStepStartTime, QueryLevel.Series),
    }.ToFrozenDictionary(a => a.Item1, a => a.Item2);

    /// <summary>The level whose header answers <paramref name="tag"/> for a match at <paramref name="level"/>.</summary>
    public static QueryLevel HeaderLevel(DicomTag tag, QueryLevel level) =>
        UpperLevelAttributes.TryGetValue(tag, out var owner) && owner < level ? owner : level;

    /// <summary>The table alias of a level's rows in the generated SQL.</summary>
    public static string Alias(QueryLevel level) => level switch
    {
        QueryLevel.Patient => "p",
        QueryLevel.Study => "st",
        QueryLevel.Series => "se",
        _ => "i",
    };

    /// <summary>The join of the tables from <paramref name="from"/> down to <paramref name="to"/> (<c>patient p JOIN study st ON ...</c>).</summary>
    public static string Join(QueryLevel from, QueryLevel to)
    {
        var sql = Table(from);
        for (var level = from + 1; level <= to; level++)
        {
            sql += $" JOIN {Table(level)} ON {Link(level)}";
        }
        return sql;
    }

    /// <summary>The condition linking a level's rows to their parent's (<c>st.patient_pk = p.id</c>).</summary>
    public static string Link(QueryLevel level) => level switch
    {
        QueryLevel.Study => "st.patient_pk = p.id",
        QueryLevel.Series => "se.study_pk = st.id",
        QueryLevel.Image => "i.series_pk = se.id",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    private static string Table(QueryLevel level) => level switch
    {
        QueryLevel.Patient => "patient p",
        QueryLevel.Study => "study st",
        QueryLevel.Series => "series se",
        _ => "instance i",
    };
}
