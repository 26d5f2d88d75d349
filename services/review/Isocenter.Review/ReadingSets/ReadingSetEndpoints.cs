using Isocenter.Review.Access;

namespace Isocenter.Review.ReadingSets;

/// <summary><c>/api/reading-sets</c>: create, list, get, delete, the form, the pseudonym mapping and the reviewers (docs/review.md).</summary>
public static class ReadingSetEndpoints
{
    /// <summary>The reading sets' route.</summary>
    public const string Route = "/api/reading-sets";

    /// <summary>Maps the routes; share links and exports map theirs on the returned group.</summary>
    public static RouteGroupBuilder MapReadingSets(this WebApplication app)
    {
        var sets = app.MapGroup(Route);
        sets.MapPost("", async (CreateReadingSet request, Caller caller, ReadingSetService service, CancellationToken cancellationToken) =>
        {
            var (set, errors) = await service.CreateAsync(caller.Staff(), request, cancellationToken).ConfigureAwait(false);
            return set is null
                ? Results.ValidationProblem(errors, detail: "The reading set is not valid: see errors.")
                : Results.Accepted($"{Route}/{set.Id}", set);
        });
        sets.MapGet("", async (Caller caller, ReadingSetStore store, CancellationToken cancellationToken) =>
            await store.ListAsync(caller.Staff().IsAdmin ? null : caller.Subject, cancellationToken).ConfigureAwait(false));
        sets.MapGet("/{id:guid}", (Guid id, Caller caller, ReadingSetStore store, CancellationToken cancellationToken) =>
            store.OwnedAsync(caller, id, cancellationToken));
        sets.MapDelete("/{id:guid}", async (Guid id, Caller caller, ReadingSetStore store, CancellationToken cancellationToken) =>
        {
            await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.NoContent();
        });
        sets.MapPut("/{id:guid}/form", async (Guid id, Form form, Caller caller, ReadingSetStore store, CancellationToken cancellationToken) =>
        {
            await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            var errors = form.Validate("form");
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, detail: "The form is not valid: see errors.");
            }
            await store.UpdateFormAsync(id, form, cancellationToken).ConfigureAwait(false);
            return Results.Ok(form);
        });
        sets.MapGet("/{id:guid}/mapping", async (Guid id, Caller caller, ReadingSetStore store, CancellationToken cancellationToken) =>
        {
            await store.OwnedAsync(caller, id, cancellationToken, ownerOnly: true).ConfigureAwait(false);
            return await store.MappingAsync(id, cancellationToken).ConfigureAwait(false);
        });
        sets.MapPost("/{id:guid}/reviewers", async (Guid id, NewReviewer body, Caller caller, ReadingSetStore store, CancellationToken cancellationToken) =>
        {
            await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            var subject = body.Subject?.Trim() ?? "";
            if (subject.Length is 0 or > 256 || subject.StartsWith(Caller.SharePrefix, StringComparison.Ordinal))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["subject"] = ["A reviewer is a user's subject (1 to 256 characters, not a share link)."] },
                    detail: "The reviewer is not valid: see errors.");
            }
            await store.AddReviewerAsync(id, subject, cancellationToken).ConfigureAwait(false);
            return Results.Created($"{Route}/{id}/reviewers/{Uri.EscapeDataString(subject)}", (await store.ListReviewersAsync(id, cancellationToken).ConfigureAwait(false)).Single(r => r.Subject == subject));
        });
        sets.MapGet("/{id:guid}/reviewers", async (Guid id, Caller caller, ReadingSetStore store, CancellationToken cancellationToken) =>
        {
            await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            return await store.ListReviewersAsync(id, cancellationToken).ConfigureAwait(false);
        });
        sets.MapDelete("/{id:guid}/reviewers/{subject}", async (Guid id, string subject, Caller caller, ReadingSetStore store, CancellationToken cancellationToken) =>
        {
            await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            return await store.RemoveReviewerAsync(id, subject, cancellationToken).ConfigureAwait(false)
                ? Results.NoContent()
                : throw new ReviewException(StatusCodes.Status404NotFound, $"'{subject}' is not a reviewer of reading set {id}.");
        });
        return sets;
    }

    /// <summary>
    /// The set <paramref name="id"/> when <paramref name="caller"/> is staff and its owner, or an admin (unless
    /// <paramref name="ownerOnly"/>); anyone else gets the 404 of a set that does not exist.
    /// </summary>
    public static async Task<ReadingSet> OwnedAsync(this ReadingSetStore store, Caller caller, Guid id, CancellationToken cancellationToken, bool ownerOnly = false)
    {
        caller.Staff();
        return await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } set && (set.Owner == caller.Subject || caller.IsAdmin && !ownerOnly)
            ? set
            : throw ReviewException.ReadingSetNotFound(id);
    }
}

/// <summary>The body of <c>POST /api/reading-sets/{id}/reviewers</c>.</summary>
/// <param name="Subject">The user's subject (as the identity provider names them).</param>
public sealed record NewReviewer(string? Subject);
