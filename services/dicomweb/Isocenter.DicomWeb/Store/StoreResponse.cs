using System.Text;
using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;

namespace Isocenter.DicomWeb.Store;

/// <summary>
/// The Store Instances Response Module (PS3.18 10.5.3, Table 10.5.3-1): Retrieve URL of the study, a Referenced SOP
/// Sequence item per stored instance (with its Retrieve URL) and a Failed SOP Sequence item per failed one (with its
/// Failure Reason, a storage status of PS3.4 B.2.3, and the reason in words in Text Value (0040,A160), an addition).
/// </summary>
internal sealed class StoreResponse(HttpRequest request)
{
    private readonly List<DicomDataset> _referenced = [];
    private readonly List<DicomDataset> _failed = [];
    private readonly HashSet<string> _studies = new(StringComparer.Ordinal);

    /// <summary>True when no part was stored or failed.</summary>
    public bool IsEmpty => _referenced.Count == 0 && _failed.Count == 0;

    /// <summary>Adds a stored (and indexed) instance.</summary>
    public void Stored(InstanceReceived instance)
    {
        _studies.Add(instance.StudyInstanceUid);
        _referenced.Add(new DicomDataset()
            .Set(DicomTag.ReferencedSOPClassUID, instance.SopClassUid)
            .Set(DicomTag.ReferencedSOPInstanceUID, instance.SopInstanceUid)
            .Set(DicomTag.RetrieveURL, $"{StudyUrl(instance.StudyInstanceUid)}/series/{instance.SeriesInstanceUid}/instances/{instance.SopInstanceUid}"));
    }

    /// <summary>Adds a part that was not stored: its SOP class and instance when they could be read, the status and why.</summary>
    public void Failed(string? sopClassUid, string? sopInstanceUid, ushort reason, string? comment)
    {
        var item = new DicomDataset()
            .Set(DicomTag.ReferencedSOPClassUID, sopClassUid ?? "")
            .Set(DicomTag.ReferencedSOPInstanceUID, sopInstanceUid ?? "")
            .Set<ushort>(DicomTag.FailureReason, reason);
        if (comment is { Length: > 0 })
        {
            item.Set(DicomTag.TextValue, comment);
        }
        _failed.Add(item);
    }

    /// <summary>
    /// 200 when every instance was stored, 202 when some failed, 409 when none was stored (PS3.18 10.5.3.1); the body as
    /// <see cref="DicomWebMediaTypes.DicomJson"/>. Retrieve URL names the study of the request's URL, or the one study stored.
    /// </summary>
    public IResult ToResult(string? study)
    {
        var response = new DicomDataset();
        if ((study ?? (_studies.Count == 1 ? _studies.First() : null)) is { } retrieved)
        {
            response.Set(DicomTag.RetrieveURL, StudyUrl(retrieved));
        }
        if (_failed.Count > 0)
        {
            response.Set(DicomTag.FailedSOPSequence, [.. _failed]);
        }
        if (_referenced.Count > 0)
        {
            response.Set(DicomTag.ReferencedSOPSequence, [.. _referenced]);
        }
        var status = _failed.Count == 0 ? StatusCodes.Status200OK : _referenced.Count > 0 ? StatusCodes.Status202Accepted : StatusCodes.Status409Conflict;
        return Results.Text(DicomJson.Serialize(response), DicomWebMediaTypes.DicomJson, Encoding.UTF8, status);
    }

    private string StudyUrl(string study) => DicomWebRoutes.Absolute(request, $"{DicomWebRoutes.Studies}/{study}").AbsoluteUri;
}
