namespace Isocenter.Gateway;

/// <summary>
/// The prefixes the gateway's own code looks at; the routes themselves are YARP configuration (<c>ReverseProxy:Routes</c> in
/// appsettings.json: /dicomweb, /render, /api).
/// </summary>
public static class GatewayRoutes
{
    /// <summary>The DICOMweb service (PS3.18), forwarded with its path unchanged.</summary>
    public const string DicomWeb = "/dicomweb";
}
