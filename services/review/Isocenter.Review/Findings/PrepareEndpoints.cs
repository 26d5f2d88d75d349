using System.Globalization;
using Isocenter.Contracts.Render;
using Isocenter.Dicom;
using Isocenter.Index;
using MassTransit;

namespace Isocenter.Review.Findings;

/// <summary>
/// <c>POST /internal/prepare?StudyInstanceUID=</c> (the gateway's, when a launch link is opened; not routed): the render
/// service is asked to load the volumes of the study's series that make one (<see cref="PrepareVolume"/>), as the PACS
/// service does for retrieved series, so 3D is warm when the reviewer gets to it.
/// </summary>
public static class PrepareEndpoints
{
    /// <summary>The route.</summary>
    public const string Route = "/internal/prepare";

    /// <summary>Modalities whose multi-slice series are volumes.</summary>
    private static readonly HashSet<string> VolumeModalities = new(["CT", "MR", "PT", "NM"], StringComparer.Ordinal);

    /// <summary>Maps the route: 202 with the series asked for; 404 for a study not in the archive.</summary>
    public static void MapPrepare(this WebApplication app) => app.MapPost(Route, async (HttpRequest request, IIndexStore index, IPublishEndpoint bus, CancellationToken cancellationToken) =>
    {
        var study = request.Query["StudyInstanceUID"].ToString();
        if (!DicomUid.IsValid(study))
        {
            throw ReviewException.BadRequest("Name the study: ?StudyInstanceUID={uid}.");
        }
        var identifier = new DicomDataset()
            .Set(DicomTag.StudyInstanceUID, study)
            .Add(DicomValueElement.FromStrings(DicomTag.SeriesInstanceUID, DicomVR.UI, []))
            .Add(DicomValueElement.FromStrings(DicomTag.Modality, DicomVR.CS, []))
            .Add(DicomValueElement.FromStrings(DicomTag.NumberOfSeriesRelatedInstances, DicomVR.IS, []));
        var (found, series) = (false, new List<string>());
        await foreach (var match in index.FindAsync(new IndexQuery(QueryLevel.Series, identifier), cancellationToken).ConfigureAwait(false))
        {
            found = true;
            if (VolumeModalities.Contains(match.GetString(DicomTag.Modality) ?? "")
                && int.TryParse(match.GetString(DicomTag.NumberOfSeriesRelatedInstances), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count > 1)
            {
                series.Add(match.GetString(DicomTag.SeriesInstanceUID)!);
            }
        }
        if (!found)
        {
            throw new ReviewException(StatusCodes.Status404NotFound, $"Study {study} is not in the archive.");
        }
        await Task.WhenAll(series.Select(s => bus.Publish(new PrepareVolume(study, s), cancellationToken))).ConfigureAwait(false);
        return Results.Accepted(value: new { StudyInstanceUid = study, SeriesInstanceUids = series });
    });
}
