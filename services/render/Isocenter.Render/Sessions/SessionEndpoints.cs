using Isocenter.Render.Frames;
using Isocenter.Render.Volumes;
using Isocenter.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Isocenter.Render.Sessions;

/// <summary>The WebSocket route of <see cref="RenderSession"/>: one per reviewer (<see cref="ServiceDefaultsExtensions.UserHeader"/>, set by the gateway) and series.</summary>
internal static partial class SessionEndpoints
{
    /// <summary>Maps the session route.</summary>
    public static void MapSessions(this RouteGroupBuilder group, string pattern) => group.MapGet(pattern, OpenAsync);

    private static async Task OpenAsync(HttpContext context, string study, string series, FrameService frames, SessionRegistry sessions,
        IOptions<RenderOptions> options, ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    {
        var key = new SeriesKey(study, series);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw RenderException.BadRequest("This is a WebSocket endpoint: open it with a WebSocket upgrade request.");
        }
        var user = context.Request.Headers[ServiceDefaultsExtensions.UserHeader].ToString() is { Length: > 0 } name ? name : "anonymous";
        if (!sessions.HasRoom(user, key, options.Value.MaxSessions))
        {
            throw RenderException.Unavailable($"This render instance holds its maximum of {options.Value.MaxSessions} sessions (Render:MaxSessions); try again later.");
        }
        var logger = loggers.CreateLogger<RenderSession>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var session = new RenderSession(socket, key, user, frames, options.Value, logger);
        sessions.Add(session)?.Replace();
        LogOpened(logger, user, key, sessions.Count);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await session.RunAsync(stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The client went away or the service is stopping.
        }
        finally
        {
            sessions.Remove(session);
            LogClosed(logger, user, key, sessions.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session of {User} on {Series} opened ({Sessions} open)")]
    private static partial void LogOpened(ILogger logger, string user, SeriesKey series, int sessions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session of {User} on {Series} closed ({Sessions} open)")]
    private static partial void LogClosed(ILogger logger, string user, SeriesKey series, int sessions);
}
