using Isocenter.Review.Access;
using Isocenter.Review.ReadingSets;

namespace Isocenter.Review.Findings;

/// <summary>The owner's exports of a set's findings: <c>findings.csv</c> and <c>findings/sr</c> (docs/review.md).</summary>
public static class ExportEndpoints
{
    /// <summary>Maps both on the reading sets' group.</summary>
    public static void MapExports(this RouteGroupBuilder sets)
    {
        sets.MapGet("/{id:guid}/findings.csv", async (Guid id, Caller caller, ReadingSetStore store, FindingStore findings, CancellationToken cancellationToken) =>
        {
            var set = await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            var csv = FindingsCsv.Write(set, await findings.ListAsync(id, cancellationToken).ConfigureAwait(false));
            return Results.Text(csv, $"{FindingsCsv.MediaType}; charset=utf-8; header=present");
        });
        sets.MapPost("/{id:guid}/findings/sr", async (Guid id, Caller caller, ReadingSetStore store, FindingStore findings, FindingReports reports, CancellationToken cancellationToken) =>
        {
            var set = await store.OwnedAsync(caller, id, cancellationToken).ConfigureAwait(false);
            return await reports.ExportAsync(set, await findings.ListAsync(id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        });
    }
}
