namespace Isocenter.Gateway;

/// <summary>
/// The prefixes the gateway's own code looks at; the routes themselves are YARP configuration (<c>ReverseProxy:Routes</c> in
/// appsettings.json: /dicomweb, /render, /api).
/// </summary>
public static class GatewayRoutes
{
    /// <summary>The DICOMweb service (PS3.18), forwarded with its path unchanged.</summary>
    public const string DicomWeb = "/dicomweb";

    /// <summary>The render service.</summary>
    public const string Render = "/render";

    /// <summary>The API (and the DICOMweb service's activity feed, <c>/api/activity</c>).</summary>
    public const string Api = "/api";

    /// <summary>
    /// Whether <paramref name="path"/> is under a proxied prefix: what a browser fetches from scripts and elements, never a page
    /// to show, so unauthenticated it gets 401 rather than a redirect to the login page.
    /// </summary>
    public static bool IsProxied(PathString path) =>
        path.StartsWithSegments(DicomWeb, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(Render, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(Api, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="request"/> is a browser's page navigation (a GET that accepts HTML, not under a proxied prefix):
    /// it gets a page (the login, a link that no longer opens) where other requests get a bare status.
    /// </summary>
    public static bool IsPageNavigation(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
        && !IsProxied(request.Path);
}
