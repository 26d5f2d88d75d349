using Microsoft.AspNetCore.Http.Features;

namespace Isocenter.DicomWeb.Activity;

/// <summary><c>GET /api/activity[?StudyInstanceUID=…]</c>: the <see cref="ActivityFeed"/> as server-sent events (text/event-stream).</summary>
public static class ActivityEndpoints
{
    /// <summary>The feed's route (the gateway sends it here rather than to the API).</summary>
    public const string Route = "/api/activity";

    /// <summary>A comment line is sent this often, so that proxies and clients see a live connection.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private static readonly ReadOnlyMemory<byte> KeepAliveComment = ": keepalive\n\n"u8.ToArray();

    /// <summary>Maps the feed.</summary>
    public static void MapActivity(this WebApplication app) =>
        app.MapGet(Route, (HttpContext context, ActivityFeed feed, TimeProvider time, CancellationToken cancellationToken) =>
            StreamAsync(context, feed, time, context.Request.Query["StudyInstanceUID"].ToString() is { Length: > 0 } study ? study : null, cancellationToken));

    private static async Task StreamAsync(HttpContext context, ActivityFeed feed, TimeProvider time, string? study, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx and other proxies in front: pass each event on at once
        // No buffering on the way out; no compression either (the service compresses application/dicom+json only, DicomWebHost).
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        using var subscription = feed.Subscribe(study);
        using var keepAlive = new PeriodicTimer(KeepAlive, time);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false); // the headers now: the client knows it is connected
        Task<bool>? next = null;
        Task<bool>? tick = null;
        try
        {
            while (true)
            {
                next ??= subscription.Events.WaitToReadAsync(cancellationToken).AsTask();
                tick ??= keepAlive.WaitForNextTickAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(next, tick).ConfigureAwait(false) == tick)
                {
                    tick = null;
                    await response.Body.WriteAsync(KeepAliveComment, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        return;
                    }
                    next = null;
                    while (subscription.Events.TryRead(out var activity))
                    {
                        await response.Body.WriteAsync(activity.Frame, cancellationToken).ConfigureAwait(false);
                    }
                }
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left.
        }
    }
}
