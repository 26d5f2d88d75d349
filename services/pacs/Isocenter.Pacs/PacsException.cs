using Isocenter.ServiceDefaults;

namespace Isocenter.Pacs;

/// <summary>A request the PACS service refuses, answered as ProblemDetails with its status (<see cref="ProblemErrors"/>).</summary>
public sealed class PacsException(int status, string detail, Exception? inner = null) : ProblemException(status, detail, inner)
{
    /// <summary>404: no node named <paramref name="name"/>.</summary>
    public static PacsException NodeNotFound(string name) =>
        new(StatusCodes.Status404NotFound, $"There is no DICOM node named '{name}': GET /api/dicom-nodes lists them.");

    /// <summary>409: the node cannot be deleted while forward rules name it.</summary>
    public static PacsException NodeInUse(string name, Exception inner) =>
        new(StatusCodes.Status409Conflict, $"The node '{name}' is used by forward rules: delete them or point them at another node first.", inner);
}
