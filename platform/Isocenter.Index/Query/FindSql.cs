using System.Globalization;
using System.Text;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Index.Query;

/// <summary>
/// The SQL of a C-FIND or QIDO query and the reading of its rows into matches: each match holds Query/Retrieve Level,
/// Specific Character Set, the unique keys of its level and above, and every key of the identifier with its value (taken
/// from the header of the level that owns it, or computed), empty when unknown.
/// </summary>
internal sealed class FindSql
{
    private static readonly string[] LevelNames = ["PATIENT", "STUDY", "SERIES", "IMAGE"];
    private static readonly DicomTag[] UniqueKeys = [DicomTag.PatientID, DicomTag.StudyInstanceUID, DicomTag.SeriesInstanceUID, DicomTag.SOPInstanceUID];
    private static readonly string[] UniqueColumns = ["p.patient_id", "st.study_instance_uid", "se.series_instance_uid", "i.sop_instance_uid"];

    /// <summary>The attributes computed from the rows below a match, with the level they belong to (PS3.4 C.6.1.1.x, C.6.2.1.x).</summary>
    private static readonly (DicomTag Tag, QueryLevel Level, string Sql)[] Computed =
    [
        (DicomTag.NumberOfPatientRelatedStudies, QueryLevel.Patient, "(SELECT count(*) FROM study x WHERE x.patient_pk = p.id)::text"),
        (DicomTag.NumberOfPatientRelatedSeries, QueryLevel.Patient, "(SELECT coalesce(sum(x.series_count), 0) FROM study x WHERE x.patient_pk = p.id)::text"),
        (DicomTag.NumberOfPatientRelatedInstances, QueryLevel.Patient, "(SELECT coalesce(sum(x.instance_count), 0) FROM study x WHERE x.patient_pk = p.id)::text"),
        (DicomTag.NumberOfStudyRelatedSeries, QueryLevel.Study, "st.series_count::text"),
        (DicomTag.NumberOfStudyRelatedInstances, QueryLevel.Study, "st.instance_count::text"),
        (DicomTag.ModalitiesInStudy, QueryLevel.Study, "array_to_string(st.modalities_in_study, '\\')"),
        (DicomTag.NumberOfSeriesRelatedInstances, QueryLevel.Series, "se.instance_count::text"),
    ];

    private readonly IndexQuery _query;
    private readonly List<QueryLevel> _headerLevels = [];
    private readonly List<DicomTag> _computed = [];

    public FindSql(IndexQuery query)
    {
        _query = query;
        var level = query.Level;
        var conditions = IndexConditions.Build(query.Identifier, level, query.FuzzyMatching);
        Parameters = conditions.Parameters;
        var select = new StringBuilder("SELECT ");
        select.AppendJoin(", ", UniqueColumns.Take((int)level + 1));
        foreach (var (tag, owner, sql) in Computed)
        {
            if (owner <= level && query.Identifier.Contains(tag))
            {
                _computed.Add(tag);
                select.Append(", ").Append(sql);
            }
        }
        // Return keys come from the header of the level that owns them, as a JSON object of just those attributes.
        var keysByLevel = query.Identifier.Select(e => e.Tag)
            .Where(t => t != DicomTag.SpecificCharacterSet && t != DicomTag.QueryRetrieveLevel && !_computed.Contains(t))
            .GroupBy(t => IndexKeys.HeaderLevel(t, level));
        foreach (var keys in keysByLevel.OrderBy(g => g.Key))
        {
            _headerLevels.Add(keys.Key);
            var parameter = conditions.Parameter(keys.Select(t => t.ToJsonKey()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            select.Append(CultureInfo.InvariantCulture,
                $", (SELECT jsonb_object_agg(key, value) FROM jsonb_each({IndexKeys.Alias(keys.Key)}.header) WHERE key = ANY({parameter}))::text");
        }
        select.Append(CultureInfo.InvariantCulture, $" FROM {IndexKeys.Join(QueryLevel.Patient, level)} WHERE {conditions.Where(level)}");
        select.Append(CultureInfo.InvariantCulture, $" ORDER BY {IndexKeys.Alias(level)}.id");
        if (query.Limit is { } limit)
        {
            select.Append(" LIMIT ").Append(conditions.Parameter(limit, NpgsqlDbType.Integer));
        }
        if (query.Offset > 0)
        {
            select.Append(" OFFSET ").Append(conditions.Parameter(query.Offset, NpgsqlDbType.Integer));
        }
        Sql = select.ToString();
    }

    /// <summary>The query.</summary>
    public string Sql { get; }

    /// <summary>Its parameters.</summary>
    public IReadOnlyList<NpgsqlParameter> Parameters { get; }

    /// <summary>The match of the reader's current row.</summary>
    public DicomDataset Read(NpgsqlDataReader reader)
    {
        var match = new DicomDataset();
        var column = 0;
        var ascii = true;
        for (; column <= (int)_query.Level; column++)
        {
            var value = reader.GetString(column);
            ascii &= Ascii.IsValid(value);
            match.Set(UniqueKeys[column], value);
        }
        foreach (var tag in _computed)
        {
            match.Set(tag, reader.GetString(column++).Split('\\', StringSplitOptions.RemoveEmptyEntries));
        }
        foreach (var _ in _headerLevels)
        {
            if (!reader.IsDBNull(column))
            {
                var json = reader.GetString(column);
                ascii &= Ascii.IsValid(json);
                foreach (var element in DicomJson.Deserialize(json))
                {
                    match.Add(element);
                }
            }
            column++;
        }
        foreach (var element in _query.Identifier)
        {
            if (!match.Contains(element.Tag) && element.Tag != DicomTag.SpecificCharacterSet)
            {
                match.Add(element is DicomSequence ? new DicomSequence(element.Tag) : new DicomValueElement(element.Tag, element.VR, DicomBuffer.Empty));
            }
        }
        match.Set(DicomTag.QueryRetrieveLevel, LevelNames[(int)_query.Level]);
        match.Add(ascii ? new DicomValueElement(DicomTag.SpecificCharacterSet, DicomVR.CS, DicomBuffer.Empty) : DicomValueElement.FromStrings(DicomTag.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"));
        return match;
    }
}
