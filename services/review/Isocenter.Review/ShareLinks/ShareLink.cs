namespace Isocenter.Review.ShareLinks;

/// <summary>A share link as its reading set's owner sees it (with the token, to copy again).</summary>
/// <param name="Id">The link's id.</param>
/// <param name="ReadingSetId">Its reading set.</param>
/// <param name="Label">Whom it is for (the CSV's reviewer).</param>
/// <param name="StudyInstanceUid">The one de-identified study it opens, or null for the whole set.</param>
/// <param name="Token">The signed token.</param>
/// <param name="Url">The gateway's path that opens it: <c>/review/{token}</c>.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="RevokedAt">When its owner revoked it, or null.</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record ShareLink(
    Guid Id, Guid ReadingSetId, string Label, string? StudyInstanceUid, string Token, string Url, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset CreatedAt);

/// <summary>The body of <c>POST /api/reading-sets/{id}/share-links</c>.</summary>
/// <param name="Label">Whom it is for.</param>
/// <param name="ExpiresInHours">1 to 2160 (90 days); default 168 (a week).</param>
/// <param name="StudyInstanceUid">One de-identified study of the set, or null for the whole set.</param>
public sealed record NewShareLink(string? Label, int ExpiresInHours = 168, string? StudyInstanceUid = null);

/// <summary>A valid share link resolved for the gateway (<c>GET /internal/share-links/resolve</c>).</summary>
/// <param name="LinkId">The link.</param>
/// <param name="ReadingSetId">Its reading set.</param>
/// <param name="Subject">The session's subject: <c>share:{linkId}</c>.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="StudyInstanceUids">The de-identified studies in scope: the set's completed ones, or the link's one study.</param>
/// <param name="Blinded">Whether reviewers see no dates or descriptions.</param>
public sealed record ResolvedShareLink(Guid LinkId, Guid ReadingSetId, string Subject, DateTimeOffset ExpiresAt, IReadOnlyList<string> StudyInstanceUids, bool Blinded);
