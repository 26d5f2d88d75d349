using Isocenter.Contracts.Storage;
using MassTransit;

namespace Isocenter.Review.ReadingSets;

/// <summary>Records the storage service's progress on a reading set's de-identified copies (<see cref="StudyDeidentificationChanged"/>).</summary>
public sealed partial class DeidentificationChangedConsumer(ReadingSetStore store, ILogger<DeidentificationChangedConsumer> logger) : IConsumer<StudyDeidentificationChanged>
{
    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<StudyDeidentificationChanged> context)
    {
        var change = context.Message;
        if (!await store.ApplyAsync(change, context.CancellationToken).ConfigureAwait(false))
        {
            LogIgnored(logger, change.ReadingSetId, change.StudyInstanceUid, change.State);
        }
        else if (change.State != StudyStates.Running)
        {
            LogFinished(logger, change.ReadingSetId, change.StudyInstanceUid, change.State, change.Done, change.Total, change.Error);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "De-identification of {StudyInstanceUid} for reading set {ReadingSetId} ({State}) ignored: the set no longer has it, or it had already finished")]
    private static partial void LogIgnored(ILogger logger, Guid readingSetId, string studyInstanceUid, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "De-identification of {StudyInstanceUid} for reading set {ReadingSetId} {State}: {Done} of {Total} instances; {Error}")]
    private static partial void LogFinished(ILogger logger, Guid readingSetId, string studyInstanceUid, string state, int done, int total, string? error);
}
