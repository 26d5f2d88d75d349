using Isocenter.Contracts.Storage;

namespace Isocenter.Review.ReadingSets;

/// <summary>A reading set as its owner sees it (docs/review.md).</summary>
/// <param name="Id">The set's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Owner">The subject that created it.</param>
/// <param name="State">One of <see cref="ReadingSetStates"/>, from its studies'.</param>
/// <param name="Blinded">Reviewers see no dates or descriptions.</param>
/// <param name="Order"><c>fixed</c> or <c>random</c> (shuffled per reviewer).</param>
/// <param name="Profile">The de-identification options.</param>
/// <param name="Form">The findings' fields.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Progress">The copies' progress.</param>
/// <param name="Studies">Its studies, by position.</param>
public sealed record ReadingSet(
    Guid Id, string Name, string Owner, string State, bool Blinded, string Order, DeidentificationProfile Profile, Form Form,
    DateTimeOffset CreatedAt, ReadingSetProgress Progress, IReadOnlyList<ReadingSetStudy> Studies)
{
    /// <summary>The set with its state and progress computed from <paramref name="studies"/>.</summary>
    public static ReadingSet Of(Guid id, string name, string owner, bool blinded, string order, DeidentificationProfile profile, Form form,
        DateTimeOffset createdAt, IReadOnlyList<ReadingSetStudy> studies)
    {
        var finished = studies.Count(s => s.State is StudyStates.Completed or StudyStates.Failed);
        var state = finished < studies.Count ? ReadingSetStates.Preparing
            : studies.All(s => s.State == StudyStates.Failed) ? ReadingSetStates.Failed
            : studies.All(s => s.State == StudyStates.Completed && s.HeldBack.Count == 0) ? ReadingSetStates.Ready
            : ReadingSetStates.Partial;
        var progress = new ReadingSetProgress(studies.Count, finished, studies.Sum(s => s.Total), studies.Sum(s => s.Done));
        return new ReadingSet(id, name, owner, state, blinded, order, profile, form, createdAt, progress, studies);
    }

    /// <summary>The de-identified UIDs of the studies whose copy is complete: what reviewers may see.</summary>
    public IEnumerable<ReadingSetStudy> CompletedStudies => Studies.Where(s => s.State == StudyStates.Completed && s.StudyInstanceUid is not null);
}

/// <summary>A reading set's progress.</summary>
/// <param name="Studies">Studies of the set.</param>
/// <param name="StudiesDone">Studies whose copy has finished (completed or failed).</param>
/// <param name="Instances">Instances of the originals.</param>
/// <param name="InstancesDone">Instances copied.</param>
public sealed record ReadingSetProgress(int Studies, int StudiesDone, int Instances, int InstancesDone);

/// <summary>A study of a reading set and its copy's progress.</summary>
/// <param name="Position">Its place in the set, from 1.</param>
/// <param name="Label">What reviewers call it (<c>Case {position}</c>).</param>
/// <param name="OriginalStudyInstanceUid">The original study.</param>
/// <param name="StudyInstanceUid">The de-identified copy's; null until the storage service reports it.</param>
/// <param name="State">One of <see cref="StudyStates"/>.</param>
/// <param name="Total">Instances of the original.</param>
/// <param name="Done">Instances copied.</param>
/// <param name="HeldBack">Series not copied, with the reason.</param>
/// <param name="Error">Why the copy failed.</param>
public sealed record ReadingSetStudy(
    int Position, string Label, string OriginalStudyInstanceUid, string? StudyInstanceUid, string State, int Total, int Done,
    IReadOnlyList<HeldBackSeries> HeldBack, string? Error);

/// <summary>The states of a <see cref="ReadingSet"/>.</summary>
public static class ReadingSetStates
{
    /// <summary>Some copies are still queued or running.</summary>
    public const string Preparing = "preparing";

    /// <summary>Every copy completed, nothing held back.</summary>
    public const string Ready = "ready";

    /// <summary>Some copies failed or held series back.</summary>
    public const string Partial = "partial";

    /// <summary>Every copy failed.</summary>
    public const string Failed = "failed";
}

/// <summary>The states of a <see cref="ReadingSetStudy"/>'s copy.</summary>
public static class StudyStates
{
    /// <summary>Asked for; the storage service has not started.</summary>
    public const string Queued = "queued";

    /// <summary>Being copied.</summary>
    public const string Running = "running";

    /// <summary>Copied and indexed.</summary>
    public const string Completed = "completed";

    /// <summary>Not copied (see the error).</summary>
    public const string Failed = "failed";
}

/// <summary>The orders of a reading set's worklist.</summary>
public static class ReadingOrders
{
    /// <summary>By position.</summary>
    public const string Fixed = "fixed";

    /// <summary>Shuffled per reviewer, the same each time for that reviewer.</summary>
    public const string Random = "random";
}

/// <summary>One pair of the pseudonym mapping (<c>deid_mapping</c>).</summary>
/// <param name="Kind"><c>patient</c>, <c>study</c>, <c>series</c> or <c>instance</c>.</param>
/// <param name="Original">The original identifier.</param>
/// <param name="Pseudonym">What the copy has instead.</param>
public sealed record MappingEntry(string Kind, string Original, string Pseudonym);
