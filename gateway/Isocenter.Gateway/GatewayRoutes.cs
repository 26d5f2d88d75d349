namespace Isocenter.Gateway;

/// <summary>The gateway's route prefixes and the names of their YARP routes and clusters (ReverseProxy in appsettings.json).</summary>
public static class GatewayRoutes
{
    /// <summary>The DICOMweb service (PS3.18), forwarded with its path unchanged.</summary>
    public const string DicomWeb = "/dicomweb";

    /// <summary>The render service, with affinity by series.</summary>
    public const string Render = "/render";

    /// <summary>The API service.</summary>
    public const string Api = "/api";
}
