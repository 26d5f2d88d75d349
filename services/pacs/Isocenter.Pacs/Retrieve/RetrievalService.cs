using Isocenter.Contracts.Pacs;
using Isocenter.Dicom;
using Isocenter.Pacs.Jobs;
using Isocenter.Pacs.Nodes;
using Isocenter.Pacs.Query;
using MassTransit;

namespace Isocenter.Pacs.Retrieve;

/// <summary>
/// Starts retrievals: picks the node (the one asked for, or the first query-enabled node that has the study), returns an
/// unfinished retrieval of the same study and series instead of starting another, records the job and sends
/// <see cref="RunRetrieval"/> to the service's queue.
/// </summary>
public sealed partial class RetrievalService(JobStore jobs, NodeRegistry registry, RemoteQuery query, NodeConnector connector, IBus bus, ILogger<RetrievalService> logger)
{
    /// <summary>The retrieval under way or started for <paramref name="request"/>, and whether it was started now.</summary>
    /// <exception cref="PacsException">400 for an invalid request or node, 404 for an unknown node or a study no node has.</exception>
    public async Task<(RetrievalChanged Retrieval, bool Started)> StartAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.StudyInstanceUid))
        {
            throw new PacsException(StatusCodes.Status400BadRequest, "studyInstanceUid is required: the Study Instance UID of the study to retrieve.");
        }
        if (request.Method is not (null or RetrieveMethods.Move or RetrieveMethods.Get))
        {
            throw new PacsException(StatusCodes.Status400BadRequest, $"method must be {RetrieveMethods.Move} or {RetrieveMethods.Get} (or left out for the node's).");
        }
        var study = request.StudyInstanceUid.Trim();
        IReadOnlyList<string> series = [.. (request.SeriesInstanceUids ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal)];
        if (await jobs.FindUnfinishedAsync(JobKinds.Retrieval, study, series, cancellationToken).ConfigureAwait(false) is { } running)
        {
            return (RetrievalProgress.Describe(running), false);
        }
        var node = request.Node is { Length: > 0 } name
            ? await registry.GetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw PacsException.NodeNotFound(name)
            : await LookUpAsync(study, cancellationToken).ConfigureAwait(false);
        if (!node.Query)
        {
            throw new PacsException(StatusCodes.Status400BadRequest, $"The node '{node.Name}' is not enabled for query and retrieve: set its 'query' to true to retrieve from it.");
        }
        var job = await jobs.InsertAsync(JobKinds.Retrieval, node.Name, study, series, request.Method ?? node.RetrieveMethod, RetrievalProgress.Empty, cancellationToken)
            .ConfigureAwait(false);
        var retrieval = RetrievalProgress.Describe(job);
        await bus.Publish(retrieval, cancellationToken).ConfigureAwait(false);
        var queue = await bus.GetSendEndpoint(RunRetrievalConsumer.Queue).ConfigureAwait(false);
        await queue.Send(new RunRetrieval(job.Id), cancellationToken).ConfigureAwait(false);
        LogStarted(logger, job.Id, study, node.Name, job.Method!);
        return (retrieval, true);
    }

    // On-demand: the query-enabled nodes asked in turn (C-FIND STUDY level by UID); the first that has the study.
    private async Task<DicomNode> LookUpAsync(string study, CancellationToken cancellationToken)
    {
        var asked = new List<string>();
        var unanswered = new List<string>();
        foreach (var node in (await registry.ListAsync(cancellationToken).ConfigureAwait(false)).Where(n => n.Query))
        {
            try
            {
                var matching = new Dictionary<DicomTag, string> { [DicomTag.StudyInstanceUID] = study };
                await foreach (var _ in query.FindStudiesAsync(node, matching, 1, cancellationToken).ConfigureAwait(false))
                {
                    return node;
                }
                asked.Add(node.Name);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && connector.Diagnose(e, node) is { } problem)
            {
                LogLookUpFailed(logger, node.Name, problem.Code, e.Message);
                unanswered.Add($"{node.Name} ({problem.Code})");
            }
        }
        var detail = asked.Count + unanswered.Count == 0
            ? $"Study {study} cannot be looked up: no node is enabled for query; add the hospital PACS at /api/dicom-nodes."
            : $"Study {study} is in no configured PACS (asked: {string.Join(", ", asked)}"
              + (unanswered.Count > 0 ? $"; could not ask: {string.Join(", ", unanswered)}" : "") + ").";
        throw new PacsException(StatusCodes.Status404NotFound, detail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrieval {Id} of study {Study} from {Node} by {Method} queued")]
    private static partial void LogStarted(ILogger logger, Guid id, string study, string node, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking the study up in {Node}: {Problem} ({Reason})")]
    private static partial void LogLookUpFailed(ILogger logger, string node, string problem, string reason);
}
