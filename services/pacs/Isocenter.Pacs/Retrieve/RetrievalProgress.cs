using Isocenter.Contracts.Pacs;
using Isocenter.Pacs.Jobs;

namespace Isocenter.Pacs.Retrieve;

/// <summary>A retrieval's progress document in <c>pacs_job.progress</c>.</summary>
/// <param name="Series">Each series being retrieved.</param>
/// <param name="FailedInstances">SOP Instance UIDs the node could not send.</param>
public sealed record RetrievalProgress(IReadOnlyList<RetrievalSeries> Series, IReadOnlyList<string> FailedInstances)
{
    /// <summary>Nothing known yet.</summary>
    public static RetrievalProgress Empty { get; } = new([], []);

    /// <summary>The retrieval as the API and the bus show it (<see cref="RetrievalChanged"/>).</summary>
    public static RetrievalChanged Describe(PacsJob job)
    {
        var progress = job.ProgressAs<RetrievalProgress>();
        return new RetrievalChanged(job.Id, job.Node, job.StudyInstanceUid, job.Method!, job.State, progress.Series, progress.FailedInstances,
            job.Error, job.Attempts, job.CreatedAt, job.UpdatedAt);
    }
}
