using System.Text.Json.Serialization;
using Isocenter.Review.Access;
using Isocenter.Review.ReadingSets;

namespace Isocenter.Review.Findings;

/// <summary>A reviewer's worklist (<c>GET /api/review/worklist</c>).</summary>
/// <param name="ReadingSetId">The set.</param>
/// <param name="Name">Its name.</param>
/// <param name="Blinded">No dates or descriptions shown.</param>
/// <param name="Form">The form to fill in.</param>
/// <param name="Total">Studies to review.</param>
/// <param name="Done">Studies marked done.</param>
/// <param name="Studies">The studies, in the reviewer's order.</param>
public sealed record Worklist(Guid ReadingSetId, string Name, bool Blinded, Form Form, int Total, int Done, IReadOnlyList<WorklistStudy> Studies);

/// <summary>A study of a worklist; the index's attributes only when the set is not blinded (null members are left out).</summary>
/// <param name="StudyInstanceUid">The de-identified study.</param>
/// <param name="Position">Its position in the set.</param>
/// <param name="Label">What the reviewer calls it.</param>
/// <param name="Status"><c>todo</c>, <c>draft</c> or <c>done</c>.</param>
/// <param name="StudyDate">Study Date (shifted or removed by de-identification).</param>
/// <param name="StudyDescription">Study Description.</param>
/// <param name="Modalities">Modalities in Study.</param>
/// <param name="Instances">Instances of the copy.</param>
public sealed record WorklistStudy(string StudyInstanceUid, int Position, string Label, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StudyDate = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StudyDescription = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Modalities = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Instances = null);

/// <summary><c>/api/review</c>: a reviewer's worklist and findings (docs/review.md).</summary>
public static class ReviewEndpoints
{
    /// <summary>The reviewer API's route.</summary>
    public const string Route = "/api/review";

    /// <summary>Maps the worklist and the findings' GET and PUT.</summary>
    public static void MapReview(this WebApplication app)
    {
        var review = app.MapGroup(Route);
        review.MapGet("/worklist", async (Guid? readingSet, Caller caller, ReviewerAccess access, FindingStore findings, StudyIndex index, CancellationToken cancellationToken) =>
        {
            var scope = await access.ScopeAsync(caller, readingSet, cancellationToken).ConfigureAwait(false);
            var statuses = await findings.StatusesAsync(scope.Set.Id, scope.Reviewer, cancellationToken).ConfigureAwait(false);
            var described = scope.Set.Blinded
                ? []
                : (await index.GetAsync([.. scope.Studies.Select(s => s.StudyInstanceUid!)], cancellationToken).ConfigureAwait(false)).ToDictionary(m => m.StudyInstanceUid, StringComparer.Ordinal);
            var studies = scope.Studies.Select(s =>
            {
                var status = statuses.TryGetValue(s.StudyInstanceUid!, out var complete) ? complete ? "done" : "draft" : "todo";
                var study = new WorklistStudy(s.StudyInstanceUid!, s.Position, s.Label, status);
                return described.TryGetValue(s.StudyInstanceUid!, out var match)
                    ? study with { StudyDate = match.StudyDate ?? "", StudyDescription = match.StudyDescription ?? "", Modalities = match.Modalities, Instances = match.Instances }
                    : study;
            }).ToList();
            return new Worklist(scope.Set.Id, scope.Set.Name, scope.Set.Blinded, scope.Set.Form, studies.Count, studies.Count(s => s.Status == "done"), studies);
        });
        review.MapGet("/findings/{studyInstanceUid}", async (string studyInstanceUid, Guid? readingSet, Caller caller, ReviewerAccess access, FindingStore findings,
            CancellationToken cancellationToken) =>
        {
            var scope = await access.ScopeAsync(caller, readingSet, cancellationToken).ConfigureAwait(false);
            ReviewerAccess.Study(scope, studyInstanceUid);
            return await findings.GetAsync(scope.Set.Id, scope.Reviewer, studyInstanceUid, cancellationToken).ConfigureAwait(false);
        });
        review.MapPut("/findings/{studyInstanceUid}", async (string studyInstanceUid, Guid? readingSet, FindingUpdate body, Caller caller, ReviewerAccess access,
            FindingStore findings, CancellationToken cancellationToken) =>
        {
            var scope = await access.ScopeAsync(caller, readingSet, cancellationToken).ConfigureAwait(false);
            ReviewerAccess.Study(scope, studyInstanceUid);
            var values = (body.Values ?? []).Where(v => !Form.IsEmpty(v.Value)).ToDictionary(StringComparer.Ordinal);
            var comment = body.Comment ?? "";
            var errors = scope.Set.Form.ValidateFinding(values, comment, body.Complete);
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, detail: body.Complete
                    ? "The case cannot be marked done: fill in the fields named in errors."
                    : "Some values are not valid: see errors.");
            }
            return Results.Ok(await findings.PutAsync(scope.Set.Id, scope.Reviewer, studyInstanceUid, new Finding(values, comment, body.Complete, null), cancellationToken).ConfigureAwait(false));
        });
    }
}
