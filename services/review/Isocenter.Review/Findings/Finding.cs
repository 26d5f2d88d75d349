using System.Text.Json;

namespace Isocenter.Review.Findings;

/// <summary>A reviewer's finding on one study: the form's values, a comment, and whether they marked it done.</summary>
/// <param name="Values">Field id → value (string or number).</param>
/// <param name="Comment">Free text.</param>
/// <param name="Complete">Marked done (every required field valid).</param>
/// <param name="UpdatedAt">When it was last saved; null for one not saved yet.</param>
public sealed record Finding(IReadOnlyDictionary<string, JsonElement> Values, string Comment, bool Complete, DateTimeOffset? UpdatedAt)
{
    /// <summary>The finding of a study nobody has saved one for.</summary>
    public static Finding Empty { get; } = new(new Dictionary<string, JsonElement>(), "", false, null);
}

/// <summary>The body of <c>PUT /api/review/findings/{studyInstanceUid}</c>: a draft (partial) or, with complete, the final finding.</summary>
/// <param name="Values">Field id → value.</param>
/// <param name="Comment">Free text.</param>
/// <param name="Complete">Mark the case done.</param>
public sealed record FindingUpdate(Dictionary<string, JsonElement>? Values, string? Comment, bool Complete = false);

/// <summary>A finding with whom and what it is about, for the exports.</summary>
/// <param name="Reviewer">The reviewer's subject (<c>share:{linkId}</c> or a user).</param>
/// <param name="ReviewerName">The link's label, or the user's subject.</param>
/// <param name="Position">The study's position in the set.</param>
/// <param name="StudyInstanceUid">The de-identified study.</param>
/// <param name="Finding">The finding.</param>
public sealed record ExportedFinding(string Reviewer, string ReviewerName, int Position, string StudyInstanceUid, Finding Finding);
