using Isocenter.Review.ReadingSets;

namespace Isocenter.Review.ShareLinks;

/// <summary>A valid share link with its reading set and the studies it opens.</summary>
/// <param name="Link">The link.</param>
/// <param name="Set">Its reading set.</param>
/// <param name="Scope">The studies it opens: the set's completed ones, or the link's one study (when completed).</param>
public sealed record ShareSession(ShareLink Link, ReadingSet Set, IReadOnlyList<ReadingSetStudy> Scope);

/// <summary>Decides whether a share link still opens its set: signed by us, known, not expired, not revoked.</summary>
public sealed class ShareLinkResolver(ShareLinkTokens tokens, ShareLinkStore links, ReadingSetStore sets, TimeProvider time)
{
    /// <summary>The session a token opens; a 404 <see cref="ReviewException"/> says why there is none.</summary>
    public Task<ShareSession> ResolveTokenAsync(string token, CancellationToken cancellationToken) =>
        tokens.Read(token, out var problem) is { } named
            ? ResolveAsync(named.LinkId, cancellationToken)
            : throw new ReviewException(StatusCodes.Status404NotFound, problem);

    /// <summary>The session of link <paramref name="linkId"/>; a 404 <see cref="ReviewException"/> says why there is none.</summary>
    public async Task<ShareSession> ResolveAsync(Guid linkId, CancellationToken cancellationToken)
    {
        var link = await links.GetAsync(linkId, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound("The link is unknown: its reading set was deleted, or it never existed; ask its sender for a new one.");
        if (link.RevokedAt is { } revoked)
        {
            throw NotFound($"The link was revoked on {revoked:u} by its sender; ask them for a new one if you still need it.");
        }
        if (link.ExpiresAt <= time.GetUtcNow())
        {
            throw NotFound($"The link expired on {link.ExpiresAt:u}; ask its sender for a new one.");
        }
        var set = await sets.GetAsync(link.ReadingSetId, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound("The link's reading set was deleted; ask its sender for a new link.");
        var scope = set.CompletedStudies.Where(s => link.StudyInstanceUid is null || s.StudyInstanceUid == link.StudyInstanceUid).ToList();
        return new ShareSession(link, set, scope);
    }

    private static ReviewException NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);
}
