using Isocenter.Pacs.Jobs;

namespace Isocenter.Pacs.Send;

/// <summary>The sends' API: <c>/api/sends</c> (docs/pacs.md).</summary>
public static class SendEndpoints
{
    /// <summary>The sends' route.</summary>
    public const string Route = "/api/sends";

    /// <summary>Maps start (POST) and get.</summary>
    public static RouteGroupBuilder MapSends(this WebApplication app)
    {
        var sends = app.MapGroup(Route);
        sends.MapPost("", async (SendRequest request, SendService service, CancellationToken cancellationToken) =>
        {
            var send = SendJob.ToSend(await service.StartAsync(request, cancellationToken).ConfigureAwait(false));
            return Results.Accepted($"{Route}/{send.Id}", send);
        });
        sends.MapGet("/{id:guid}", async (Guid id, JobStore jobs, CancellationToken cancellationToken) =>
            await jobs.GetAsync(JobKinds.Send, id, cancellationToken).ConfigureAwait(false) is { } job
                ? SendJob.ToSend(job)
                : throw new PacsException(StatusCodes.Status404NotFound, $"There is no send {id}: POST {Route} starts one."));
        return sends;
    }
}
