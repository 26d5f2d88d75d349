using Isocenter.ServiceDefaults;

namespace Isocenter.Review.Access;

/// <summary>
/// Who calls, as the gateway says (it strips these headers from clients): the subject (<see cref="ServiceDefaultsExtensions.UserHeader"/>),
/// whether they are an admin (<see cref="RolesHeader"/>) and, for a share-link session, its reading set (<see cref="ReadingSetHeader"/>).
/// Bound as an endpoint parameter; a request without a subject did not come through the gateway and is refused (401).
/// </summary>
public sealed record Caller(string Subject, bool IsAdmin, Guid? ShareReadingSet)
{
    /// <summary>The header with the caller's roles (comma-separated); <c>admin</c> for admins.</summary>
    public const string RolesHeader = "X-Isocenter-Roles";

    /// <summary>The header with a share-link session's reading set.</summary>
    public const string ReadingSetHeader = "X-Isocenter-Reading-Set";

    /// <summary>The prefix of a share-link session's subject (<c>share:{linkId}</c>).</summary>
    public const string SharePrefix = "share:";

    /// <summary>The share link of a share-link session, or null for a staff user.</summary>
    public Guid? ShareLinkId => Subject.StartsWith(SharePrefix, StringComparison.Ordinal) && Guid.TryParse(Subject.AsSpan(SharePrefix.Length), out var id) ? id : null;

    /// <summary>True for a share-link session (its subject or the gateway's reading-set header says so).</summary>
    public bool IsShareSession => ShareReadingSet is not null || Subject.StartsWith(SharePrefix, StringComparison.Ordinal);

    /// <summary>Minimal APIs' binding: the caller from the request's headers.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var subject = headers[ServiceDefaultsExtensions.UserHeader].ToString();
        if (subject.Length == 0)
        {
            throw new ReviewException(StatusCodes.Status401Unauthorized,
                $"The request has no {ServiceDefaultsExtensions.UserHeader}: call the review service through the gateway, signed in.");
        }
        var isAdmin = headers[RolesHeader].ToString().Split(',', StringSplitOptions.TrimEntries).Contains("admin", StringComparer.Ordinal);
        Guid? readingSet = Guid.TryParse(headers[ReadingSetHeader].ToString(), out var id) ? id : null;
        return ValueTask.FromResult<Caller?>(new Caller(subject, isAdmin, readingSet));
    }

    /// <summary>This caller when they are staff; a share-link session is refused (403).</summary>
    public Caller Staff() => IsShareSession ? throw ReviewException.StaffOnly() : this;
}
