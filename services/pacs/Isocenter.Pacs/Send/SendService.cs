using Isocenter.Contracts.Pacs;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Commitment;
using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Dicom.Network.Scu;
using Isocenter.Index;
using Isocenter.ObjectStore;
using Isocenter.Pacs.Jobs;
using Isocenter.Pacs.Nodes;
using MassTransit;

namespace Isocenter.Pacs.Send;

/// <summary>
/// Sends a study or a series from the archive to a node (C-STORE SCU): <see cref="StartAsync"/> records the job and queues
/// <see cref="RunSend"/>; <see cref="RunAsync"/> (its consumer) lists the instances from the index and sends them from the
/// object store on one association, as stored, publishing <see cref="SendChanged"/>.
/// </summary>
public sealed partial class SendService(
    NodeRegistry nodes, NodeConnector connector, JobStore jobs, SendCommitment commitment, IIndexStore index, IObjectStore store, IBus bus, TimeProvider time,
    ILogger<SendService> logger)
{
    /// <summary>Times a send is started before a network failure fails it.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The least time between two progress reports of a send (state changes are reported at once).</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the association of a storage commitment request is kept for a report on it (most nodes report on one of their own).</summary>
    public static readonly TimeSpan CommitmentReportWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Records a send of <paramref name="request"/>'s study (or series) to its node, queued, and asks for it to be run.
    /// </summary>
    /// <exception cref="PacsException">400: no such node, or not one we send to, or no study given; 404: nothing of the study is in the archive.</exception>
    public async Task<PacsJob> StartAsync(SendRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Node) || string.IsNullOrEmpty(request.StudyInstanceUid))
        {
            throw new PacsException(StatusCodes.Status400BadRequest, "A send needs \"node\" (a node's name) and \"studyInstanceUid\" (and may name one \"seriesInstanceUid\").");
        }
        var node = await nodes.GetAsync(request.Node, cancellationToken).ConfigureAwait(false)
            ?? throw new PacsException(StatusCodes.Status400BadRequest, $"There is no DICOM node named '{request.Node}': GET /api/dicom-nodes lists them.");
        if (!node.StoreTo)
        {
            throw new PacsException(StatusCodes.Status400BadRequest,
                $"The node '{node.Name}' is not one we send to (storeTo is false): enable storeTo on it in the registry, or send to another node.");
        }
        var instances = await ListAsync(request.StudyInstanceUid, request.SeriesInstanceUid, cancellationToken).ConfigureAwait(false);
        if (instances.Count == 0)
        {
            throw new PacsException(StatusCodes.Status404NotFound, request.SeriesInstanceUid is null
                ? $"Study {request.StudyInstanceUid} is not in the archive: nothing to send."
                : $"Series {request.SeriesInstanceUid} of study {request.StudyInstanceUid} is not in the archive: nothing to send.");
        }
        var job = await jobs.InsertAsync(JobKinds.Send, node.Name, request.StudyInstanceUid, request.SeriesInstanceUid is null ? [] : [request.SeriesInstanceUid], null,
            new SendProgress(instances.Count, 0, 0, [], request.Commit), cancellationToken).ConfigureAwait(false);
        await bus.Publish(SendJob.ToSend(job), cancellationToken).ConfigureAwait(false);
        await bus.Publish(new RunSend(job.Id), cancellationToken).ConfigureAwait(false);
        return job;
    }

    /// <summary>
    /// Runs (or, after a restart, runs again) the send <paramref name="id"/>: every instance of it goes to the node on one
    /// association in its stored transfer syntax; a network failure is retried with backoff (the instances not yet
    /// answered), up to <see cref="MaxAttempts"/> starts; instances the node refuses are listed, not retried.
    /// </summary>
    public async Task RunAsync(Guid id, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(JobKinds.Send, id, cancellationToken).ConfigureAwait(false);
        if (job is null || PacsJobStates.IsFinished(job.State))
        {
            LogNothingToRun(logger, id, job?.State ?? "unknown");
            return;
        }
        var node = await nodes.GetAsync(job.Node, cancellationToken).ConfigureAwait(false);
        if (node is not { StoreTo: true })
        {
            await FinishAsync(job, PacsJobStates.Failed, job.ProgressAs<SendProgress>(),
                $"The node '{job.Node}' {(node is null ? "is no longer in the registry" : "is no longer one we send to (storeTo is false)")}.", cancellationToken).ConfigureAwait(false);
            return;
        }
        var instances = await ListAsync(job.StudyInstanceUid, job.SeriesInstanceUids.Count > 0 ? job.SeriesInstanceUids[0] : null, cancellationToken).ConfigureAwait(false);
        var tally = new Tally(instances.Count, job.ProgressAs<SendProgress>().Commit);
        var client = connector.Client(node);
        for (var attempt = job.Attempts + 1; ; attempt++)
        {
            job = await UpdateAsync(job, PacsJobStates.Running, tally.Progress(), null, attempt, cancellationToken).ConfigureAwait(false);
            var pending = instances.Where(i => !tally.IsAnswered(i.SopInstanceUid)).ToList();
            try
            {
                await SendAsync(client, job, pending, tally, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && connector.Diagnose(e, node) is { } problem)
            {
                if (attempt >= MaxAttempts)
                {
                    await FinishAsync(job, PacsJobStates.Failed, tally.Progress(), $"{problem.Message} (gave up after {attempt} attempts)", cancellationToken).ConfigureAwait(false);
                    return;
                }
                LogRetrying(logger, id, attempt, problem.Message);
                await Task.Delay(TimeSpan.FromSeconds(2 << attempt), time, cancellationToken).ConfigureAwait(false); // 4 s, then 8 s
            }
        }
        var progress = tally.Progress();
        job = await FinishAsync(job, progress.Failed == 0 ? PacsJobStates.Completed : progress.Completed == 0 ? PacsJobStates.Failed : PacsJobStates.Partial, progress,
            progress.Failed == 0 ? null : $"{progress.Failed} of {progress.Total} instances were not stored by '{node.Name}': {tally.FirstError}", cancellationToken).ConfigureAwait(false);
        if (progress.Commit && progress.Completed > 0)
        {
            await RequestCommitmentAsync(client, node, job, instances.Where(i => tally.IsCompleted(i.SopInstanceUid)), cancellationToken).ConfigureAwait(false);
        }
    }

    // N-ACTION for the instances the node stored. The report comes on an association the node opens to ingest's SCP (which
    // publishes it, see SendCommitment), or, with some nodes, on this one.
    private async Task RequestCommitmentAsync(DicomClient client, DicomNode node, PacsJob job, IEnumerable<InstanceLocation> stored, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.RequestStorageCommitmentAsync(SendCommitment.TransactionUid(job.Id),
                [.. stored.Select(i => new SopReference(i.SopClassUid, i.SopInstanceUid))], CommitmentReportWait, cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                await commitment.ApplyAsync(result.TransactionUid, [.. result.Failed.Select(f => f.Instance.SopInstanceUid)], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && connector.Diagnose(e, node) is { } problem)
        {
            await UpdateAsync(job, job.State, job.ProgressAs<SendProgress>(),
                $"The instances were sent, but '{node.Name}' did not take the storage commitment request: {problem.Message}", job.Attempts, cancellationToken).ConfigureAwait(false);
        }
    }

    // Sends the instances, reporting progress at most every ProgressInterval while they go.
    private async Task SendAsync(DicomClient client, PacsJob job, IReadOnlyList<InstanceLocation> instances, Tally tally, CancellationToken cancellationToken)
    {
        using var ticker = new PeriodicTimer(ProgressInterval, time);
        var reporter = ReportAsync(ticker, job, tally, cancellationToken);
        try
        {
            await client.StoreAsync(instances.Select(i => Source(store, i.ObjectKey)), new Reporter(tally), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ticker.Dispose();
            await reporter.ConfigureAwait(false);
        }
    }

    private async Task ReportAsync(PeriodicTimer ticker, PacsJob job, Tally tally, CancellationToken cancellationToken)
    {
        var reported = tally.Progress();
        while (await ticker.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var progress = tally.Progress();
            if (progress.Completed != reported.Completed || progress.Failed != reported.Failed)
            {
                job = await UpdateAsync(job, job.State, progress, null, job.Attempts, cancellationToken).ConfigureAwait(false);
                reported = progress;
            }
        }
    }

    private async Task<PacsJob> FinishAsync(PacsJob job, string state, SendProgress progress, string? error, CancellationToken cancellationToken)
    {
        var finished = await UpdateAsync(job, state, progress, error, job.Attempts, cancellationToken).ConfigureAwait(false);
        LogFinished(logger, job.Id, job.Node, state, progress.Completed, progress.Total, error);
        return finished;
    }

    private async Task<PacsJob> UpdateAsync(PacsJob job, string state, SendProgress progress, string? error, int attempts, CancellationToken cancellationToken)
    {
        var updated = await jobs.UpdateAsync(job, state, progress, error, attempts, cancellationToken).ConfigureAwait(false);
        await bus.Publish(SendJob.ToSend(updated), cancellationToken).ConfigureAwait(false);
        return updated;
    }

    private Task<IReadOnlyList<InstanceLocation>> ListAsync(string studyInstanceUid, string? seriesInstanceUid, CancellationToken cancellationToken)
    {
        var identifier = new DicomDataset().Set(DicomTag.StudyInstanceUID, studyInstanceUid);
        if (seriesInstanceUid is not null)
        {
            identifier.Set(DicomTag.SeriesInstanceUID, seriesInstanceUid);
        }
        return index.ListInstancesAsync(new IndexQuery(seriesInstanceUid is null ? QueryLevel.Study : QueryLevel.Series, identifier), cancellationToken);
    }

    /// <summary>The stored Part 10 file at <paramref name="objectKey"/>, read from the object store when its turn comes (sent as stored).</summary>
    internal static DicomFileSource Source(IObjectStore store, string objectKey) => new(objectKey, token => store.OpenReadAsync(objectKey, token));

    // The outcome of each instance so far, as the C-STORE responses come (on the sending task) and as the reporter reads it.
    private sealed class Tally(int total, bool commit)
    {
        private readonly Lock _lock = new();
        private readonly HashSet<string> _completed = new(StringComparer.Ordinal);
        private readonly List<string> _failed = [];

        public string? FirstError { get; private set; }

        public void Add(CStoreResult result)
        {
            lock (_lock)
            {
                var uid = result.SopInstanceUid ?? result.Name;
                if (result.Succeeded)
                {
                    _completed.Add(uid);
                }
                else
                {
                    _failed.Add(uid);
                    FirstError ??= result.Error ?? $"{uid}: status 0x{result.Status:X4}";
                }
            }
        }

        public bool IsCompleted(string sopInstanceUid)
        {
            lock (_lock)
            {
                return _completed.Contains(sopInstanceUid);
            }
        }

        public bool IsAnswered(string sopInstanceUid)
        {
            lock (_lock)
            {
                return _completed.Contains(sopInstanceUid) || _failed.Contains(sopInstanceUid);
            }
        }

        public SendProgress Progress()
        {
            lock (_lock)
            {
                return new SendProgress(total, _completed.Count, _failed.Count, [.. _failed], commit);
            }
        }
    }

    private sealed class Reporter(Tally tally) : IProgress<CStoreProgress>
    {
        public void Report(CStoreProgress value) => tally.Add(value.Latest);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Send {Id}: nothing to run (state {State})")]
    private static partial void LogNothingToRun(ILogger logger, Guid id, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send {Id}: attempt {Attempt} failed ({Reason}); retrying")]
    private static partial void LogRetrying(ILogger logger, Guid id, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Send {Id} to {Node}: {State}, {Completed} of {Total} instances stored. {Error}")]
    private static partial void LogFinished(ILogger logger, Guid id, string node, string state, int completed, int total, string? error);
}
