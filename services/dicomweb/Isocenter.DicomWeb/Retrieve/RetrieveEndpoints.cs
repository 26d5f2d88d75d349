using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Index;
using Isocenter.ObjectStore;

namespace Isocenter.DicomWeb.Retrieve;

/// <summary>WADO-RS (PS3.18 10.4): instances, frames, bulk data, rendered images and thumbnails. See docs/dicomweb.md.</summary>
public static class RetrieveEndpoints
{
    /// <summary>The codecs frames are decoded, transcoded and rendered with; a registry is not changed once made.</summary>
    private static readonly DicomCodecRegistry Codecs = DicomCodecRegistry.CreateDefault();

    /// <summary>Maps the retrieve resources on <paramref name="dicomWeb"/>.</summary>
    public static RouteGroupBuilder MapRetrieve(this RouteGroupBuilder dicomWeb)
    {
        dicomWeb.MapGet(DicomWebRoutes.Study, (HttpContext context, IIndexStore index, IObjectStore store, string study) =>
            Retrieve(index, store).RetrieveInstancesAsync(context, study, null, null));
        dicomWeb.MapGet(DicomWebRoutes.Series, (HttpContext context, IIndexStore index, IObjectStore store, string study, string series) =>
            Retrieve(index, store).RetrieveInstancesAsync(context, study, series, null));
        dicomWeb.MapGet(DicomWebRoutes.Instance, (HttpContext context, IIndexStore index, IObjectStore store, string study, string series, string instance) =>
            Retrieve(index, store).RetrieveInstancesAsync(context, study, series, instance));
        dicomWeb.MapGet(DicomWebRoutes.Frames, (HttpContext context, IIndexStore index, IObjectStore store, string study, string series, string instance, string frames) =>
            Retrieve(index, store).RetrieveFramesAsync(context, study, series, instance, frames));
        dicomWeb.MapGet(DicomWebRoutes.Bulkdata, (HttpContext context, IIndexStore index, IObjectStore store, string study, string series, string instance, string path) =>
            Retrieve(index, store).RetrieveBulkdataAsync(context, study, series, instance, path));
        dicomWeb.MapGet(DicomWebRoutes.RenderedInstance, (HttpContext context, IIndexStore index, IObjectStore store, string study, string series, string instance) =>
            Rendered(index, store).RenderAsync(context, study, series, instance, null));
        dicomWeb.MapGet(DicomWebRoutes.RenderedFrames, (HttpContext context, IIndexStore index, IObjectStore store, string study, string series, string instance, string frames) =>
            Rendered(index, store).RenderAsync(context, study, series, instance, frames));
        dicomWeb.MapGet(DicomWebRoutes.StudyThumbnail, (HttpContext context, IIndexStore index, IObjectStore store, string study) =>
            Rendered(index, store).ThumbnailAsync(context, study, null, null));
        dicomWeb.MapGet(DicomWebRoutes.SeriesThumbnail, (HttpContext context, IIndexStore index, IObjectStore store, string study, string series) =>
            Rendered(index, store).ThumbnailAsync(context, study, series, null));
        dicomWeb.MapGet(DicomWebRoutes.InstanceThumbnail, (HttpContext context, IIndexStore index, IObjectStore store, string study, string series, string instance) =>
            Rendered(index, store).ThumbnailAsync(context, study, series, instance));
        return dicomWeb;
    }

    private static RetrieveService Retrieve(IIndexStore index, IObjectStore store) => new(index, store, Codecs);

    private static RenderedService Rendered(IIndexStore index, IObjectStore store) => new(Retrieve(index, store), store, Codecs);
}
