using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Isocenter.Render.Frames;
using Isocenter.Render.Volumes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Isocenter.Render.Sessions;

/// <summary>
/// One reviewer's interactive view of one series over a WebSocket. The client sends text messages holding the parameters of
/// the frame it wants, as a query string (those of <see cref="FrameParameters"/>, plus <c>kind=volume|mpr</c>,
/// <c>interacting=1</c> while the user drags and <c>seq</c>, echoed back). Only the newest request is rendered (older ones not
/// yet started are dropped); while interacting, frames come at <see cref="RenderOptions.InteractiveScale"/> of the size and
/// <see cref="RenderOptions.InteractiveQuality"/>, and once no request has come for <see cref="RenderOptions.IdleDelay"/> the
/// last view is rendered again at full size and quality. Each frame is a text message (JSON: seq, size, type, final,
/// pixel spacing, orientation labels, timings) followed by a binary message (the image); a bad request gets a text message
/// with <c>error</c> instead.
/// </summary>
internal sealed partial class RenderSession(WebSocket socket, SeriesKey key, string user, FrameService frames, RenderOptions options, ILogger logger)
    : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly CancellationTokenSource _replaced = new();
    private readonly Channel<Update> _updates = Channel.CreateBounded<Update>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>The reviewer.</summary>
    public string User { get; } = user;

    /// <summary>The series.</summary>
    public SeriesKey Key { get; } = key;

    /// <summary>Serves the session until the client closes it, a newer session replaces it or <paramref name="cancellationToken"/> ends it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopRendering = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _replaced.Token);
        var rendering = RenderLoopAsync(stopRendering.Token);
        try
        {
            await ReceiveLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _updates.Writer.TryComplete();
            await stopRendering.CancelAsync().ConfigureAwait(false);
            await rendering.ConfigureAwait(false);
        }
    }

    /// <summary>Ends the session because a newer one of the same reviewer and series replaced it: its socket is closed with 1008.</summary>
    public void Replace()
    {
        try
        {
            _replaced.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It has ended already.
        }
    }

    public void Dispose() => _replaced.Dispose();

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent && !cancellationToken.IsCancellationRequested)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                message.Write(buffer, 0, result.Count);
                if (message.Length > 64 * 1024)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "Requests are query strings of at most 64 KiB.", cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
                }
                return;
            }
            await _updates.Writer.WriteAsync(Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length)), cancellationToken).ConfigureAwait(false);
        }
    }

    private Update Parse(string text)
    {
        var query = QueryHelpers.ParseQuery(text.StartsWith('?') ? text : "?" + text);
        var seq = query.Remove("seq", out var s) && long.TryParse(s, out var n) ? n : 0;
        var interacting = query.Remove("interacting", out var i) && i is ["1" or "true"];
        var kind = query.Remove("kind", out var k) ? k.ToString() : "volume";
        try
        {
            var frameKind = kind.ToLowerInvariant() switch
            {
                "volume" => FrameKind.Volume,
                "mpr" => FrameKind.Mpr,
                _ => throw RenderException.BadRequest($"kind '{kind}' is not volume or mpr."),
            };
            return new Update(seq, interacting, FrameParameters.Parse(frameKind, query, options.MaxImageSize), null);
        }
        catch (RenderException e)
        {
            return new Update(seq, interacting, null, e.Message);
        }
    }

    private async Task RenderLoopAsync(CancellationToken cancellationToken)
    {
        Update? owed = null; // the last interactive view, owed again at full size once the user stops
        try
        {
            while (true)
            {
                Update? update;
                if (owed is null)
                {
                    update = await _updates.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    idle.CancelAfter(options.IdleDelay);
                    try
                    {
                        update = await _updates.Reader.ReadAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        update = owed with { Interacting = false };
                    }
                }
                owed = update.Interacting && update.Parameters is not null ? update : null;
                await SendAsync(update, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or WebSocketException)
        {
            // The client went away, or the session was replaced or stopped.
        }
        if (_replaced.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "Replaced by a newer session of the same user and series.", CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // Gone already.
            }
        }
    }

    private async Task SendAsync(Update update, CancellationToken cancellationToken)
    {
        if (update.Parameters is null)
        {
            await SendTextAsync(new { update.Seq, Error = update.Error }, cancellationToken).ConfigureAwait(false);
            return;
        }
        RenderedFrame frame;
        try
        {
            frame = await frames.RenderAsync(Key, update.Parameters, update.Interacting, cancellationToken).ConfigureAwait(false);
        }
        catch (RenderException e)
        {
            LogFrameRefused(logger, Key, User, e.Message);
            await SendTextAsync(new { update.Seq, Error = e.Message, e.Status }, cancellationToken).ConfigureAwait(false);
            return;
        }
        var l = frame.Labels;
        await SendTextAsync(new
        {
            update.Seq,
            frame.Width,
            frame.Height,
            frame.ContentType,
            Final = !update.Interacting,
            frame.PixelSpacing,
            Orientation = new { l.Top, l.Right, l.Bottom, l.Left },
            RenderMs = Math.Round(frame.RenderMilliseconds, 2),
            EncodeMs = Math.Round(frame.EncodeMilliseconds, 2),
        }, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(frame.Bytes, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
    }

    private Task SendTextAsync(object message, CancellationToken cancellationToken) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, Json), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private sealed record Update(long Seq, bool Interacting, FrameParameters? Parameters, string? Error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session of {User} on {Series}: frame refused: {Reason}")]
    private static partial void LogFrameRefused(ILogger logger, SeriesKey series, string user, string reason);
}
