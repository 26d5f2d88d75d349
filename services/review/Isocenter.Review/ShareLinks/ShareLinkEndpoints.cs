using Isocenter.Review.Access;
using Isocenter.Review.ReadingSets;

namespace Isocenter.Review.ShareLinks;

/// <summary>
/// Share links: create and list them under a reading set, revoke one (<c>/api/share-links/{id}</c>), and the gateway's
/// <c>/internal/share-links/resolve</c> (not routed by the gateway) (docs/review.md).
/// </summary>
public static class ShareLinkEndpoints
{
    /// <summary>The route of one link.</summary>
    public const string Route = "/api/share-links";

    /// <summary>The gateway's resolution route.</summary>
    public const string ResolveRoute = "/internal/share-links/resolve";

    /// <summary>The longest lifetime of a link: 90 days.</summary>
    public const int MaxHours = 2160;

    /// <summary>Maps the routes; <paramref name="sets"/> is the reading sets' group.</summary>
    public static void MapShareLinks(this WebApplication app, RouteGroupBuilder sets)
    {
        sets.MapPost("/{id:guid}/share-links", async (Guid id, NewShareLink body, Caller caller, ReadingSetStore store, ShareLinkStore links, CancellationToken cancellationToken) =>
        {
            var set = await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var label = body.Label?.Trim() ?? "";
            if (label.Length is 0 or > 200)
            {
                errors["label"] = ["A label (whom the link is for) is 1 to 200 characters."];
            }
            if (body.ExpiresInHours is < 1 or > MaxHours)
            {
                errors["expiresInHours"] = [$"A link lasts 1 to {MaxHours} hours."];
            }
            if (body.StudyInstanceUid is { } study && set.Studies.All(s => s.StudyInstanceUid != study))
            {
                errors["studyInstanceUid"] = ["Not a de-identified study of this set (see its studies' studyInstanceUid)."];
            }
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, detail: "The share link is not valid: see errors.");
            }
            var link = await links.InsertAsync(id, label, body.StudyInstanceUid, TimeSpan.FromHours(body.ExpiresInHours), cancellationToken).ConfigureAwait(false);
            return Results.Created($"{ReadingSetEndpoints.Route}/{id}/share-links", link);
        });
        sets.MapGet("/{id:guid}/share-links", async (Guid id, Caller caller, ReadingSetStore store, ShareLinkStore links, CancellationToken cancellationToken) =>
        {
            await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            return await links.ListAsync(id, cancellationToken).ConfigureAwait(false);
        });
        app.MapDelete($"{Route}/{{linkId:guid}}", async (Guid linkId, Caller caller, ReadingSetStore store, ShareLinkStore links, CancellationToken cancellationToken) =>
        {
            var link = await links.GetAsync(linkId, cancellationToken).ConfigureAwait(false)
                ?? throw new ReviewException(StatusCodes.Status404NotFound, $"There is no share link {linkId}.");
            await store.OwnedAsync(caller, link.ReadingSetId, cancellationToken).ConfigureAwait(false);
            await links.RevokeAsync(linkId, cancellationToken).ConfigureAwait(false);
            return Results.NoContent();
        });
        app.MapGet(ResolveRoute, async (string? token, ShareLinkResolver resolver, CancellationToken cancellationToken) =>
        {
            var session = await resolver.ResolveTokenAsync(token ?? "", cancellationToken).ConfigureAwait(false);
            return new ResolvedShareLink(session.Link.Id, session.Set.Id, Caller.SharePrefix + session.Link.Id, session.Link.ExpiresAt,
                [.. session.Scope.Select(s => s.StudyInstanceUid!)], session.Set.Blinded);
        });
    }
}
