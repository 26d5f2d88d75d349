using Isocenter.Pacs.Jobs;

namespace Isocenter.Pacs.Retrieve;

/// <summary><c>/api/retrievals</c>: start a retrieval, follow it, list a study's (docs/pacs.md).</summary>
public static class RetrievalEndpoints
{
    /// <summary>The retrievals' route.</summary>
    public const string Route = "/api/retrievals";

    /// <summary>How many retrievals a list returns at most.</summary>
    public const int ListLimit = 100;

    /// <summary>Maps POST, GET by id and the list.</summary>
    public static void MapRetrievals(this WebApplication app)
    {
        var retrievals = app.MapGroup(Route);
        retrievals.MapPost("", async (RetrievalRequest request, RetrievalService service, CancellationToken cancellationToken) =>
        {
            var (retrieval, started) = await service.StartAsync(request, cancellationToken).ConfigureAwait(false);
            return started ? Results.Accepted($"{Route}/{retrieval.Id}", retrieval) : Results.Ok(retrieval);
        });
        retrievals.MapGet("/{id:guid}", async (Guid id, JobStore jobs, CancellationToken cancellationToken) =>
            await jobs.GetAsync(JobKinds.Retrieval, id, cancellationToken).ConfigureAwait(false) is { } job
                ? RetrievalProgress.Describe(job)
                : throw new PacsException(StatusCodes.Status404NotFound, $"There is no retrieval {id}."));
        retrievals.MapGet("", async (HttpRequest request, JobStore jobs, CancellationToken cancellationToken) =>
        {
            var study = request.Query["StudyInstanceUID"].ToString() is { Length: > 0 } value ? value : null;
            var list = await jobs.ListAsync(JobKinds.Retrieval, study, ListLimit, cancellationToken).ConfigureAwait(false);
            return list.Select(RetrievalProgress.Describe);
        });
    }
}
