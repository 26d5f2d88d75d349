using Isocenter.ServiceDefaults;

namespace Isocenter.Render;

/// <summary>A request the service refuses, with its HTTP status and a reason a person can act on (written by <see cref="ProblemErrors"/>).</summary>
public sealed class RenderException(int status, string detail, Exception? inner = null) : ProblemException(status, detail, inner)
{
    /// <summary>400: a malformed parameter or UID.</summary>
    public static RenderException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);

    /// <summary>404: the series is not in the archive.</summary>
    public static RenderException NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);

    /// <summary>422: the series is there but cannot be made into a volume (the reason names the slices).</summary>
    public static RenderException NotRenderable(string detail, Exception inner) => new(StatusCodes.Status422UnprocessableEntity, detail, inner);

    /// <summary>503: the instance cannot take more (sessions, memory); another may.</summary>
    public static RenderException Unavailable(string detail) => new(StatusCodes.Status503ServiceUnavailable, detail);
}
