using System.Globalization;
using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Index.Query;

namespace Isocenter.Index.Store;

/// <summary>An <see cref="InstanceReceived"/> with the values of the index's columns read from its header.</summary>
internal sealed class IndexedInstance
{
    private IndexedInstance(InstanceReceived message, DicomDataset header)
    {
        Message = message;
        PatientId = Text(header, DicomTag.PatientID);
        IssuerOfPatientId = Text(header, DicomTag.IssuerOfPatientID);
        PatientName = Text(header, DicomTag.PatientName);
        PatientBirthDate = Date(header, DicomTag.PatientBirthDate);
        PatientSex = Text(header, DicomTag.PatientSex);
        StudyDate = Date(header, DicomTag.StudyDate);
        StudyTime = Time(header, DicomTag.StudyTime);
        AccessionNumber = Text(header, DicomTag.AccessionNumber);
        StudyId = Text(header, DicomTag.StudyID);
        ReferringPhysicianName = Text(header, DicomTag.ReferringPhysicianName);
        StudyDescription = Text(header, DicomTag.StudyDescription);
        Modality = Text(header, DicomTag.Modality);
        SeriesNumber = Integer(header, DicomTag.SeriesNumber);
        SeriesDescription = Text(header, DicomTag.SeriesDescription);
        BodyPartExamined = Text(header, DicomTag.BodyPartExamined);
        PerformedProcedureStepStartDate = Date(header, DicomTag.PerformedProcedureStepStartDate);
        PerformedProcedureStepStartTime = Time(header, DicomTag.PerformedProcedureStepStartTime);
        InstanceNumber = Integer(header, DicomTag.InstanceNumber);
    }

    public InstanceReceived Message { get; }

    public string PatientId { get; }

    public string IssuerOfPatientId { get; }

    public string PatientName { get; }

    public string PatientNameNorm => PersonNames.Normalize(PatientName);

    public DateOnly? PatientBirthDate { get; }

    public string PatientSex { get; }

    public DateOnly? StudyDate { get; }

    public TimeOnly? StudyTime { get; }

    public string AccessionNumber { get; }

    public string StudyId { get; }

    public string ReferringPhysicianName { get; }

    public string ReferringPhysicianNameNorm => PersonNames.Normalize(ReferringPhysicianName);

    public string StudyDescription { get; }

    public string Modality { get; }

    public int? SeriesNumber { get; }

    public string SeriesDescription { get; }

    public string BodyPartExamined { get; }

    public DateOnly? PerformedProcedureStepStartDate { get; }

    public TimeOnly? PerformedProcedureStepStartTime { get; }

    public int? InstanceNumber { get; }

    /// <summary>Reads the header of <paramref name="message"/>; a header that is not DICOM JSON throws <see cref="DicomDataException"/>.</summary>
    public static IndexedInstance Read(InstanceReceived message)
    {
        try
        {
            return new IndexedInstance(message, DicomJson.Deserialize(message.Header));
        }
        catch (DicomDataException e)
        {
            throw new DicomDataException($"The header of instance {message.SopInstanceUid} cannot be indexed: {e.Message}", e);
        }
    }

    private static string Text(DicomDataset header, DicomTag tag) => header.GetString(tag)?.Trim() ?? "";

    private static DateOnly? Date(DicomDataset header, DicomTag tag)
    {
        var text = Text(header, tag);
        try
        {
            return text.Length == 0 ? null : DicomDateTime.ParseDate(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            return null; // lenient: an invalid date is indexed as unknown
        }
    }

    private static TimeOnly? Time(DicomDataset header, DicomTag tag)
    {
        var text = Text(header, tag);
        try
        {
            return text.Length == 0 ? null : DicomDateTime.ParseTime(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static int? Integer(DicomDataset header, DicomTag tag) =>
        int.TryParse(Text(header, tag), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
