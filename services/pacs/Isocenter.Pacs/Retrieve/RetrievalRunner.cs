using System.Globalization;
using Isocenter.Contracts.Pacs;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Pacs.Jobs;
using Isocenter.Pacs.Nodes;
using Isocenter.Pacs.Query;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Isocenter.Pacs.Retrieve;

/// <summary>
/// Runs a retrieval (a <c>pacs_job</c>): checks that the node supports Study Root C-FIND and the retrieve method, asks it for
/// the study's series (C-FIND, SERIES level), then retrieves each series not done yet with one C-MOVE (to
/// <c>Pacs:MoveDestination</c>, ingest) or C-GET (stored by <see cref="RetrieveStoreHandler"/>), the counts of the pending
/// responses as progress. Network failures are retried with a doubling delay, <c>Pacs:RetrievalAttempts</c> times in all;
/// a peer's refusal is not.
/// </summary>
public sealed partial class RetrievalRunner(JobStore jobs, NodeRegistry registry, NodeConnector connector, RemoteQuery query, RetrieveStoreHandler sink, IBus bus,
    IOptions<PacsOptions> options, TimeProvider time, ILogger<RetrievalRunner> logger)
{
    private static readonly HashSet<string> Retried = new(["refused", "unreachable", "timeout", "aborted", "failed"], StringComparer.Ordinal);

    /// <summary>Runs (or resumes) retrieval <paramref name="id"/>; nothing when it is unknown or finished.</summary>
    public async Task RunAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(JobKinds.Retrieval, id, cancellationToken).ConfigureAwait(false) is not { } job || PacsJobStates.IsFinished(job.State))
        {
            return;
        }
        using var tracker = new RetrievalTracker(job, jobs, bus, time);
        if (await registry.GetAsync(job.Node, cancellationToken).ConfigureAwait(false) is not { } node)
        {
            await tracker.SetStateAsync(PacsJobStates.Failed, $"The node '{job.Node}' was deleted before the retrieval ran.", job.Attempts, cancellationToken).ConfigureAwait(false);
            return;
        }
        for (var attempt = job.Attempts + 1; ; attempt++)
        {
            await tracker.SetStateAsync(PacsJobStates.Running, null, attempt, cancellationToken).ConfigureAwait(false);
            using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var flushing = tracker.FlushPeriodicallyAsync(running.Token);
            try
            {
                var (state, error) = await RetrieveAsync(tracker, node, cancellationToken).ConfigureAwait(false);
                await running.CancelAsync().ConfigureAwait(false);
                await flushing.ConfigureAwait(false);
                await tracker.SetStateAsync(state, error, attempt, cancellationToken).ConfigureAwait(false);
                LogFinished(logger, id, node.Name, state);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Diagnose(e, node) is { } problem)
            {
                await running.CancelAsync().ConfigureAwait(false);
                await flushing.ConfigureAwait(false);
                var retry = Retried.Contains(problem.Code) && attempt < options.Value.RetrievalAttempts;
                LogAttemptFailed(logger, id, node.Name, attempt, problem.Code, e.Message, retry);
                if (!retry)
                {
                    var tried = attempt > 1 ? $" (tried {attempt.ToString(CultureInfo.InvariantCulture)} times)" : "";
                    await tracker.SetStateAsync(PacsJobStates.Failed, problem.Message + tried, attempt, cancellationToken).ConfigureAwait(false);
                    return;
                }
                await Task.Delay(options.Value.RetryDelay * Math.Pow(2, attempt - 1), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(string State, string? Error)> RetrieveAsync(RetrievalTracker tracker, DicomNode node, CancellationToken cancellationToken)
    {
        var job = tracker.Job;
        var move = job.Method == RetrieveMethods.Move;
        var retrieveClass = move ? DicomUid.StudyRootQueryRetrieveInformationModelMove : DicomUid.StudyRootQueryRetrieveInformationModelGet;
        var client = connector.Client(node);
        var probe = await client.ProbeAsync([DicomUid.StudyRootQueryRetrieveInformationModelFind, retrieveClass], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!probe.AcceptedSopClasses.Contains(retrieveClass))
        {
            throw new UnsupportedServiceException(move
                ? $"The node '{node.Name}' does not support C-MOVE: set its retrieve method to C-GET."
                : $"The node '{node.Name}' does not support C-GET: set its retrieve method to C-MOVE.");
        }
        if (!probe.AcceptedSopClasses.Contains(DicomUid.StudyRootQueryRetrieveInformationModelFind))
        {
            throw new UnsupportedServiceException($"The node '{node.Name}' does not accept Study Root C-FIND, which a retrieval needs to list the study's series.");
        }
        if (tracker.Progress.Series.Count == 0)
        {
            var found = await FindSeriesAsync(node, job, cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return (PacsJobStates.Failed, job.SeriesInstanceUids.Count == 0
                    ? $"The node '{node.Name}' has no series of study {job.StudyInstanceUid}."
                    : $"The node '{node.Name}' has none of the series asked for in study {job.StudyInstanceUid}.");
            }
            tracker.Update(p => p with { Series = found });
            await tracker.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var series in tracker.Progress.Series.Where(s => !PacsJobStates.IsFinished(s.State)))
        {
            var uid = series.SeriesInstanceUid;
            tracker.UpdateSeries(uid, s => s with { State = PacsJobStates.Running, Completed = 0, Failed = 0, Warning = 0 });
            await tracker.FlushAsync(cancellationToken).ConfigureAwait(false);
            var identifier = new DicomDataset()
                .Set(DicomTag.QueryRetrieveLevel, "SERIES")
                .Set(DicomTag.StudyInstanceUID, job.StudyInstanceUid)
                .Set(DicomTag.SeriesInstanceUID, uid);
            var progress = new SeriesProgress(tracker, uid);
            var result = move
                ? await client.MoveAsync(retrieveClass, identifier, options.Value.MoveDestination, progress, cancellationToken).ConfigureAwait(false)
                : await client.GetAsync(retrieveClass, identifier, sink, progress: progress, cancellationToken: cancellationToken).ConfigureAwait(false);
            tracker.Update(p => p with { FailedInstances = [.. p.FailedInstances, .. result.FailedSopInstanceUids] });
            tracker.UpdateSeries(uid, s => Finish(s, result));
            await tracker.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        return Outcome(tracker.Progress);
    }

    private async Task<List<RetrievalSeries>> FindSeriesAsync(DicomNode node, PacsJob job, CancellationToken cancellationToken)
    {
        var series = new List<RetrievalSeries>();
        await foreach (var match in query.FindSeriesAsync(node, job.StudyInstanceUid, new Dictionary<DicomTag, string>(), int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            var uid = match.GetString(DicomTag.SeriesInstanceUID);
            if (uid is null || (job.SeriesInstanceUids.Count > 0 && !job.SeriesInstanceUids.Contains(uid)))
            {
                continue;
            }
            var expected = int.TryParse(match.GetString(DicomTag.NumberOfSeriesRelatedInstances), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
            series.Add(new RetrievalSeries(uid, match.GetString(DicomTag.Modality), match.GetString(DicomTag.SeriesNumber), match.GetString(DicomTag.SeriesDescription),
                expected, 0, 0, 0, PacsJobStates.Queued));
        }
        return [.. series.OrderBy(s => int.TryParse(s.SeriesNumber, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
            .ThenBy(s => s.SeriesInstanceUid, StringComparer.Ordinal)];
    }

    // The final response's counts (those of the last pending response when a peer leaves them out) and the series' state.
    private static RetrievalSeries Finish(RetrievalSeries series, CRetrieveResult result)
    {
        var counts = result.SubOperations;
        if (counts.Completed + counts.Failed + counts.Warning > 0)
        {
            series = series with { Completed = counts.Completed, Failed = counts.Failed, Warning = counts.Warning };
        }
        var done = series.Completed + series.Warning;
        var state = result.Status == DimseStatus.Cancel ? PacsJobStates.Failed
            : series.Failed == 0 ? PacsJobStates.Completed
            : done > 0 ? PacsJobStates.Partial
            : PacsJobStates.Failed;
        return series with { Expected = Math.Max(series.Expected, done + series.Failed), State = state };
    }

    private static (string State, string? Error) Outcome(RetrievalProgress progress)
    {
        if (progress.Series.All(s => s.State == PacsJobStates.Completed))
        {
            return (PacsJobStates.Completed, null);
        }
        var failed = progress.Series.Sum(s => s.Failed);
        var total = progress.Series.Sum(s => s.Expected);
        var state = progress.Series.All(s => s.State == PacsJobStates.Failed) ? PacsJobStates.Failed : PacsJobStates.Partial;
        return (state, $"The node could not send {failed.ToString(CultureInfo.InvariantCulture)} of {total.ToString(CultureInfo.InvariantCulture)} instances (failedInstances lists them when it said which): check the PACS's log.");
    }

    // Network failures, a peer's failure status (with what to do for the usual ones) and a missing service.
    private NodeProblem? Diagnose(Exception exception, DicomNode node) => exception switch
    {
        UnsupportedServiceException => new NodeProblem(NodeProblem.NoPresentationContext, exception.Message),
        DimseFailureException { Status: 0xA801 } => new NodeProblem("move-destination-unknown",
            $"The node '{node.Name}' does not know our C-MOVE destination '{options.Value.MoveDestination}' (status A801): add {options.Value.MoveDestination} with ingest's host and DIMSE port to the PACS's known nodes (in Orthanc: DicomModalities), or retrieve with C-GET."),
        DimseFailureException failure => new NodeProblem("refused-by-peer",
            $"The node '{node.Name}' refused the request with status 0x{failure.Status:X4}{(failure.ErrorComment is null ? "" : $" ({failure.ErrorComment})")}: check the PACS's log."),
        _ => connector.Diagnose(exception, node),
    };

    // Progress of one series from the pending responses; written by the tracker's own pace.
    private sealed class SeriesProgress(RetrievalTracker tracker, string seriesInstanceUid) : IProgress<SubOperationCounts>
    {
        public void Report(SubOperationCounts value) => tracker.UpdateSeries(seriesInstanceUid, s => s with
        {
            Expected = value.Remaining + value.Completed + value.Failed + value.Warning,
            Completed = value.Completed,
            Failed = value.Failed,
            Warning = value.Warning,
        });
    }

    private sealed class UnsupportedServiceException(string message) : Exception(message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrieval {Id} from {Node} finished: {State}")]
    private static partial void LogFinished(ILogger logger, Guid id, string node, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrieval {Id} from {Node}, attempt {Attempt}: {Problem} ({Reason}); retried: {Retry}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid id, string node, int attempt, string problem, string reason, bool retry);
}
