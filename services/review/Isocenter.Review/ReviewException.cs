using Isocenter.ServiceDefaults;

namespace Isocenter.Review;

/// <summary>A request the review service refuses, answered as ProblemDetails with its status (<see cref="ProblemErrors"/>).</summary>
public sealed class ReviewException(int status, string detail) : ProblemException(status, detail)
{
    /// <summary>404: no reading set <paramref name="id"/> that the caller may see (others' sets are not revealed).</summary>
    public static ReviewException ReadingSetNotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, $"There is no reading set {id} of yours: GET /api/reading-sets lists them.");

    /// <summary>400 about the request as a whole.</summary>
    public static ReviewException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);

    /// <summary>403: a share-link session asked for what only staff may do.</summary>
    public static ReviewException StaffOnly() =>
        new(StatusCodes.Status403Forbidden, "A share link opens only its reading set's review (/api/review): sign in as staff for anything else.");
}
