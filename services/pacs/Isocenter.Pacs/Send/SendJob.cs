using Isocenter.Contracts.Pacs;
using Isocenter.Pacs.Jobs;

namespace Isocenter.Pacs.Send;

/// <summary>The body of <c>POST /api/sends</c>: the node to send to and the study (or one series of it).</summary>
/// <param name="Node">The node's name; it must be <c>storeTo</c>.</param>
/// <param name="StudyInstanceUid">The study to send.</param>
/// <param name="SeriesInstanceUid">Only this series of it, or null for the whole study.</param>
/// <param name="Commit">Ask the node for storage commitment of what it stored (PS3.4 J.3): the send ends <c>committed</c>, or <c>partial</c> with what it did not commit.</param>
public sealed record SendRequest(string? Node, string? StudyInstanceUid, string? SeriesInstanceUid, bool Commit = false);

/// <summary>A send's progress document (<c>pacs_job.progress</c>).</summary>
/// <param name="Total">Instances to send.</param>
/// <param name="Completed">Instances the node accepted.</param>
/// <param name="Failed">Instances the node refused or that could not be read.</param>
/// <param name="FailedInstances">Their SOP Instance UIDs.</param>
/// <param name="Commit">Whether storage commitment was asked for.</param>
internal sealed record SendProgress(int Total, int Completed, int Failed, IReadOnlyList<string> FailedInstances, bool Commit);

/// <summary>A send job as the API answers it and the bus carries it.</summary>
internal static class SendJob
{
    /// <summary><paramref name="job"/> (of kind send) as <see cref="SendChanged"/>, the send JSON of the API.</summary>
    public static SendChanged ToSend(PacsJob job)
    {
        var progress = job.ProgressAs<SendProgress>();
        return new SendChanged(job.Id, job.Node, job.StudyInstanceUid, job.SeriesInstanceUids.Count > 0 ? job.SeriesInstanceUids[0] : null, job.State, progress.Total, progress.Completed,
            progress.Failed, progress.FailedInstances, job.Error, job.Attempts, job.CreatedAt, job.UpdatedAt);
    }
}
