using Microsoft.Extensions.FileProviders;

namespace Isocenter.Gateway.Viewer;

/// <summary>
/// The web viewer's static files from <c>Gateway:WebRoot</c> (default <c>web-viewer/dist</c>, relative to the working directory),
/// index.html for the viewer's own routes; while the viewer is not built, a 404 that says so.
/// </summary>
internal static class WebViewer
{
    private static string Root(WebApplication app) => Path.GetFullPath(app.Configuration["Gateway:WebRoot"] ?? "web-viewer/dist");

    private static PhysicalFileProvider? Files(WebApplication app) => Directory.Exists(Root(app)) ? new PhysicalFileProvider(Root(app)) : null;

    /// <summary>Serves the files (after authorization in the pipeline: they are closed like the rest).</summary>
    public static void UseWebViewer(this WebApplication app)
    {
        if (Files(app) is { } files)
        {
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
    }

    /// <summary>Maps what no other endpoint takes: the viewer's index.html, or the 404 while it is not built.</summary>
    public static void MapWebViewerFallback(this WebApplication app)
    {
        if (Files(app) is { } files)
        {
            app.MapFallbackToFile("index.html", new StaticFileOptions { FileProvider = files });
            return;
        }
        var root = Root(app);
        app.MapFallback("{**path}", () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "The web viewer is not built",
            detail: $"{root} does not exist (Gateway:WebRoot); build web-viewer or set Gateway:WebRoot."));
    }
}
