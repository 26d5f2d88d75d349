using Isocenter.Dicom;
using Isocenter.Index;

namespace Isocenter.DicomWeb.Query;

/// <summary>The Search Transaction (PS3.18 10.6, QIDO-RS): studies, series and instances from the index.</summary>
public static class QidoEndpoints
{
    /// <summary>The server's maximum of matches per response (<c>DicomWeb:MaxResults</c>) when none is configured.</summary>
    public const int DefaultMaxResults = 1000;

    /// <summary>Maps the six search resources of PS3.18 10.6.1 (all studies, series and instances, and within a study or series).</summary>
    public static IEndpointRouteBuilder MapQido(this IEndpointRouteBuilder dicomWeb)
    {
        var maxResults = dicomWeb.ServiceProvider.GetRequiredService<IConfiguration>().GetValue("DicomWeb:MaxResults", DefaultMaxResults);
        dicomWeb.MapGet(DicomWebRoutes.Studies, (HttpContext context, IIndexStore index) =>
            SearchAsync(context, index, QueryLevel.Study, null, null, maxResults));
        dicomWeb.MapGet(DicomWebRoutes.AllSeries, (HttpContext context, IIndexStore index) =>
            SearchAsync(context, index, QueryLevel.Series, null, null, maxResults));
        dicomWeb.MapGet(DicomWebRoutes.StudySeries, (HttpContext context, IIndexStore index, string study) =>
            SearchAsync(context, index, QueryLevel.Series, study, null, maxResults));
        dicomWeb.MapGet(DicomWebRoutes.AllInstances, (HttpContext context, IIndexStore index) =>
            SearchAsync(context, index, QueryLevel.Image, null, null, maxResults));
        dicomWeb.MapGet(DicomWebRoutes.StudyInstances, (HttpContext context, IIndexStore index, string study) =>
            SearchAsync(context, index, QueryLevel.Image, study, null, maxResults));
        dicomWeb.MapGet(DicomWebRoutes.SeriesInstances, (HttpContext context, IIndexStore index, string study, string series) =>
            SearchAsync(context, index, QueryLevel.Image, study, series, maxResults));
        return dicomWeb;
    }

    /// <summary>
    /// Runs the query for one match more than its limit, so that a page cut short says so (PS3.18 8.3.4.4: the Warning
    /// header), then writes the page: the matches of one response are held (at most <c>DicomWeb:MaxResults</c> datasets of
    /// return keys) because the header must precede them.
    /// </summary>
    private static async Task SearchAsync(HttpContext context, IIndexStore index, QueryLevel level, string? study, string? series, int maxResults)
    {
        var format = DicomResults.Negotiate(context.Request);
        var query = QidoQuery.Build(context.Request.Query, level, study, series, maxResults);
        var limit = query.Limit!.Value;
        var matches = new List<DicomDataset>();
        try
        {
            await foreach (var match in index.FindAsync(query with { Limit = limit + 1 }, context.RequestAborted).ConfigureAwait(false))
            {
                matches.Add(match);
            }
        }
        catch (ArgumentException e)
        {
            throw DicomWebException.BadRequest(e.Message);
        }
        if (matches.Count > limit)
        {
            matches.RemoveAt(limit);
            context.Response.Headers.Warning =
                $"299 {context.Request.Host}: \"The number of results exceeded the maximum supported by the server. Additional results can be requested.\"";
        }
        await DicomResults.WriteAsync(context.Response, format, Completed(matches, context.Request, level).ToAsyncEnumerable(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The matches with what the service adds: Retrieve URL (PS3.18 10.6.3.3) and Instance Availability (ONLINE).</summary>
    private static IEnumerable<DicomDataset> Completed(List<DicomDataset> matches, HttpRequest request, QueryLevel level)
    {
        foreach (var match in matches)
        {
            match.Remove(DicomTag.QueryRetrieveLevel);
            var path = $"{DicomWebRoutes.Studies}/{match.GetString(DicomTag.StudyInstanceUID)}";
            if (level >= QueryLevel.Series)
            {
                path += $"/series/{match.GetString(DicomTag.SeriesInstanceUID)}";
            }
            if (level == QueryLevel.Image)
            {
                path += $"/instances/{match.GetString(DicomTag.SOPInstanceUID)}";
            }
            match.Add(DicomValueElement.FromStrings(DicomTag.RetrieveURL, DicomVR.UR, DicomWebRoutes.Absolute(request, path).AbsoluteUri));
            if (level != QueryLevel.Series)
            {
                match.Add(DicomValueElement.FromStrings(DicomTag.InstanceAvailability, DicomVR.CS, "ONLINE"));
            }
            yield return match;
        }
    }
}
