namespace Isocenter.DicomWeb;

/// <summary>The route templates of the PS3.18 resources (10.4 Studies Service), relative to <see cref="Base"/>.</summary>
public static class DicomWebRoutes
{
    /// <summary>
    /// The absolute URI of <paramref name="path"/> (a route with its values) as the client reached the service:
    /// <c>{scheme}://{host}{path base}/dicomweb{path}</c>, the origin taken from forwarded headers behind the gateway.
    /// </summary>
    public static Uri Absolute(HttpRequest request, string path) =>
        new($"{request.Scheme}://{request.Host}{request.PathBase}{Base}{path}");

    /// <summary>Where the service's resources live, behind the gateway and directly (the same path either way).</summary>
    public const string Base = "/dicomweb";

    /// <summary>All studies (QIDO search, STOW).</summary>
    public const string Studies = "/studies";

    /// <summary>One study.</summary>
    public const string Study = Studies + "/{study}";

    /// <summary>All series of all studies (QIDO).</summary>
    public const string AllSeries = "/series";

    /// <summary>The series of one study.</summary>
    public const string StudySeries = Study + "/series";

    /// <summary>One series.</summary>
    public const string Series = StudySeries + "/{series}";

    /// <summary>All instances of all studies (QIDO).</summary>
    public const string AllInstances = "/instances";

    /// <summary>The instances of one study (QIDO).</summary>
    public const string StudyInstances = Study + "/instances";

    /// <summary>The instances of one series.</summary>
    public const string SeriesInstances = Series + "/instances";

    /// <summary>One instance.</summary>
    public const string Instance = SeriesInstances + "/{instance}";

    /// <summary>Frames of an instance: a comma-separated list of 1-based frame numbers.</summary>
    public const string Frames = Instance + "/frames/{frames}";

    /// <summary>A bulk data element of an instance, by its path of tags (and item indexes) in the dataset.</summary>
    public const string Bulkdata = Instance + "/bulkdata/{**path}";

    /// <summary>The metadata of a study's instances (WADO-RS, PS3.18 10.4.1.1.2).</summary>
    public const string StudyMetadata = Study + "/metadata";

    /// <summary>The metadata of a series' instances.</summary>
    public const string SeriesMetadata = Series + "/metadata";

    /// <summary>The metadata of one instance.</summary>
    public const string InstanceMetadata = Instance + "/metadata";

    /// <summary>An instance rendered for display (PS3.18 10.4.1.1.3).</summary>
    public const string RenderedInstance = Instance + "/rendered";

    /// <summary>One frame of an instance rendered for display.</summary>
    public const string RenderedFrames = Frames + "/rendered";

    /// <summary>A study's thumbnail (PS3.18 10.4.1.1.4).</summary>
    public const string StudyThumbnail = Study + "/thumbnail";

    /// <summary>A series' thumbnail.</summary>
    public const string SeriesThumbnail = Series + "/thumbnail";

    /// <summary>An instance's thumbnail.</summary>
    public const string InstanceThumbnail = Instance + "/thumbnail";
}
