using Isocenter.Contracts.Pacs;
using Isocenter.Contracts.Render;
using Isocenter.Contracts.Storage;
using Isocenter.Pacs.Jobs;
using MassTransit;

namespace Isocenter.Pacs.Retrieve;

/// <summary>
/// Asks the render service to prepare the volume of a series a retrieval brought in (<see cref="PrepareVolume"/>) once the
/// whole series is indexed and quiet (<see cref="SeriesStable"/>), so that the 3D view of a study fetched from the PACS is
/// warm when the reviewer opens it. Series that did not come from a retrieval are left to the viewer.
/// </summary>
public sealed partial class PrepareRetrievedVolumes(JobStore jobs, ILogger<PrepareRetrievedVolumes> logger) : IConsumer<SeriesStable>
{
    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<SeriesStable> context)
    {
        var (study, series) = (context.Message.StudyInstanceUid, context.Message.SeriesInstanceUid);
        var retrievals = await jobs.ListAsync(JobKinds.Retrieval, study, 20, context.CancellationToken).ConfigureAwait(false);
        // The series' own state: the other series of its study may still be on their way.
        if (!retrievals.Any(job => job.ProgressAs<RetrievalProgress>().Series.Any(s =>
            s.SeriesInstanceUid == series && s.State is PacsJobStates.Completed or PacsJobStates.Partial)))
        {
            return;
        }
        LogPreparing(logger, series, study);
        await context.Publish(new PrepareVolume(study, series), context.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Series {SeriesInstanceUid} of study {StudyInstanceUid} was retrieved and is stable: asking the render service to prepare its volume")]
    private static partial void LogPreparing(ILogger logger, string seriesInstanceUid, string studyInstanceUid);
}
