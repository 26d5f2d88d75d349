using System.Globalization;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.DicomWeb.Query;
using Isocenter.Index;
using Microsoft.Net.Http.Headers;

namespace Isocenter.DicomWeb.Metadata;

/// <summary>
/// The metadata resources of the Retrieve Transaction (PS3.18 10.4, WADO-RS): the headers of a study's, series' or
/// instance's instances from the index (no object is read), with a BulkDataURI for their pixel data, ETag and Last-Modified.
/// </summary>
public static class MetadataEndpoints
{
    /// <summary>Maps the study, series and instance metadata resources.</summary>
    public static IEndpointRouteBuilder MapMetadata(this IEndpointRouteBuilder dicomWeb)
    {
        dicomWeb.MapGet(DicomWebRoutes.StudyMetadata, (HttpContext context, IIndexStore index, string study) =>
            RetrieveAsync(context, index, study, null, null));
        dicomWeb.MapGet(DicomWebRoutes.SeriesMetadata, (HttpContext context, IIndexStore index, string study, string series) =>
            RetrieveAsync(context, index, study, series, null));
        dicomWeb.MapGet(DicomWebRoutes.InstanceMetadata, (HttpContext context, IIndexStore index, string study, string series, string instance) =>
            RetrieveAsync(context, index, study, series, instance));
        return dicomWeb;
    }

    private static async Task RetrieveAsync(HttpContext context, IIndexStore index, string study, string? series, string? instance)
    {
        var format = DicomResults.Negotiate(context.Request);
        var (request, response) = (context.Request, context.Response);
        var version = await index.GetVersionAsync(QidoQuery.Uid(study), series is null ? null : QidoQuery.Uid(series),
            instance is null ? null : QidoQuery.Uid(instance), context.RequestAborted).ConfigureAwait(false)
            ?? throw DicomWebException.NotFound(instance is not null ? $"Instance {instance} of series {series} of study {study} is not in the archive."
                : series is not null ? $"Series {series} of study {study} is not in the archive." : $"Study {study} is not in the archive.");
        // A strong validator per representation: it changes whenever an instance is added, replaced or removed.
        var etag = new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture,
            $"\"{version.InstanceCount:x}-{version.Checksum:x}-{version.LastModified.UtcTicks:x}-{(format == ResultFormat.Json ? "json" : "xml")}\""));
        var lastModified = version.LastModified.AddTicks(-(version.LastModified.UtcTicks % TimeSpan.TicksPerSecond));
        var headers = response.GetTypedHeaders();
        headers.ETag = etag;
        headers.LastModified = lastModified;
        var conditions = request.GetTypedHeaders();
        // RFC 9110 13.2.2: If-None-Match, when present, decides; If-Modified-Since only without it.
        if (conditions.IfNoneMatch.Count > 0
            ? conditions.IfNoneMatch.Any(e => e.Equals(EntityTagHeaderValue.Any) || e.Compare(etag, useStrongComparison: false))
            : conditions.IfModifiedSince >= lastModified)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var headersOfInstances = index.ListMetadataAsync(study, series, instance, context.RequestAborted).Select(m => Dataset(m, request));
        await DicomResults.WriteAsync(response, format, headersOfInstances, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The instance's dataset from its indexed header (which has no file meta information and no bulk data), with Pixel Data
    /// as a BulkDataURI of the bulk data resource (<see cref="DicomWebRoutes.Bulkdata"/>, path <c>7FE00010</c>) when the
    /// header describes an image.
    /// </summary>
    private static DicomDataset Dataset(InstanceMetadata metadata, HttpRequest request)
    {
        var dataset = DicomJson.Deserialize(metadata.Header);
        dataset.RemoveAll(e => e.Tag.Group == 0x0002);
        if (dataset.Contains(DicomTag.Rows) && !dataset.Contains(DicomTag.PixelData))
        {
            var encapsulated = DicomTransferSyntax.Parse(metadata.TransferSyntaxUid).IsEncapsulated;
            var vr = !encapsulated && dataset.TryGetValue<ushort>(DicomTag.BitsAllocated, out var bits) && bits > 8 ? DicomVR.OW : DicomVR.OB;
            var uri = DicomWebRoutes.Absolute(request, DicomWebRoutes.Bulkdata.Replace("{study}", metadata.StudyInstanceUid, StringComparison.Ordinal)
                .Replace("{series}", metadata.SeriesInstanceUid, StringComparison.Ordinal).Replace("{instance}", metadata.SopInstanceUid, StringComparison.Ordinal)
                .Replace("{**path}", DicomTag.PixelData.ToJsonKey(), StringComparison.Ordinal));
            dataset.Add(new DicomValueElement(DicomTag.PixelData, vr, new DicomBulkDataUriBuffer(uri)));
        }
        return dataset;
    }
}
