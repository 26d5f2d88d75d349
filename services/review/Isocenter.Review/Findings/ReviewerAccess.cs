using System.Security.Cryptography;
using System.Text;
using Isocenter.Review.Access;
using Isocenter.Review.ReadingSets;
using Isocenter.Review.ShareLinks;

namespace Isocenter.Review.Findings;

/// <summary>What a reviewer may see of a reading set: the set, who they are (the findings' key) and the studies in scope, in their order.</summary>
/// <param name="Set">The reading set.</param>
/// <param name="Reviewer">The reviewer's subject: <c>share:{linkId}</c>, or an OIDC user's.</param>
/// <param name="Studies">The studies in scope (completed copies), in the set's order for this reviewer.</param>
public sealed record ReviewScope(ReadingSet Set, string Reviewer, IReadOnlyList<ReadingSetStudy> Studies);

/// <summary>
/// The reviewer API's access rule: a share-link session reviews its link's set (the link must still be valid); a user names
/// a set (<c>?readingSet=</c>) whose reviewers include them or that they own. Anything else is a 404.
/// </summary>
public sealed class ReviewerAccess(ShareLinkResolver resolver, ReadingSetStore sets)
{
    /// <summary>The scope of <paramref name="caller"/>; <paramref name="readingSet"/> is a user's choice of set.</summary>
    public async Task<ReviewScope> ScopeAsync(Caller caller, Guid? readingSet, CancellationToken cancellationToken)
    {
        ReadingSet set;
        IEnumerable<ReadingSetStudy> studies;
        if (caller.IsShareSession)
        {
            var session = await resolver.ResolveAsync(caller.ShareLinkId ?? throw ReviewException.StaffOnly(), cancellationToken).ConfigureAwait(false);
            if (caller.ShareReadingSet is { } named && named != session.Set.Id)
            {
                throw ReviewException.ReadingSetNotFound(named);
            }
            (set, studies) = (session.Set, session.Scope);
        }
        else
        {
            var id = readingSet ?? throw ReviewException.BadRequest("Name the reading set you review: ?readingSet={id}.");
            set = await sets.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } found
                && (found.Owner == caller.Subject || (await sets.ListReviewersAsync(id, cancellationToken).ConfigureAwait(false)).Any(r => r.Subject == caller.Subject))
                ? found
                : throw ReviewException.ReadingSetNotFound(id);
            studies = set.CompletedStudies;
        }
        var ordered = set.Order == ReadingOrders.Random
            ? studies.OrderBy(s => ShuffleKey(set.Id, caller.Subject, s.Position), StringComparer.Ordinal)
            : studies.OrderBy(s => s.Position);
        return new ReviewScope(set, caller.Subject, [.. ordered]);
    }

    /// <summary>The study <paramref name="studyInstanceUid"/> when it is in <paramref name="scope"/>; else a 404.</summary>
    public static ReadingSetStudy Study(ReviewScope scope, string studyInstanceUid) =>
        scope.Studies.FirstOrDefault(s => s.StudyInstanceUid == studyInstanceUid)
        ?? throw new ReviewException(StatusCodes.Status404NotFound, $"Study {studyInstanceUid} is not one you review: GET /api/review/worklist lists yours.");

    /// <summary>A random order per reviewer, the same each time: the studies sorted by a hash of set, reviewer and position.</summary>
    private static string ShuffleKey(Guid set, string reviewer, int position) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{set:N}\n{reviewer}\n{position}")));
}
