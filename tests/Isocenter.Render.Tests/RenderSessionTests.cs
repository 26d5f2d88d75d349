using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Isocenter.Testing;

namespace Isocenter.Render.Tests;

/// <summary>The WebSocket session: interactive frames at reduced size, the full frame once the user stops, errors, replacement.</summary>
[Collection(RenderCollection.Name)]
public sealed class RenderSessionTests(RenderArchive archive)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Session_InteractiveRequest_HalfSizeFrameThenFullSizeFinalFrame()
    {
        using var socket = await ConnectAsync("reviewer-a");

        await SendAsync(socket, "kind=volume&preset=ct-bone&azimuth=20&size=128x96&interacting=1&seq=1");

        var (interactive, interactiveImage) = await ReceiveFrameAsync(socket);
        Assert.Equal(1, interactive.GetProperty("seq").GetInt64());
        Assert.False(interactive.GetProperty("final").GetBoolean());
        Assert.Equal((64, 48), (interactive.GetProperty("width").GetInt32(), interactive.GetProperty("height").GetInt32()));
        Assert.Equal((64, 48, 3), RenderServiceTests.Size(Djpeg.Decode(interactiveImage)));
        var (final, finalImage) = await ReceiveFrameAsync(socket);
        Assert.Equal(1, final.GetProperty("seq").GetInt64());
        Assert.True(final.GetProperty("final").GetBoolean());
        Assert.Equal((128, 96, 3), RenderServiceTests.Size(Djpeg.Decode(finalImage)));
        Assert.Equal("H", final.GetProperty("orientation").GetProperty("top").GetString());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task Session_MprRequestNotInteracting_OneFullFrame()
    {
        using var socket = await ConnectAsync("reviewer-b");

        await SendAsync(socket, "kind=mpr&plane=coronal&size=64x64&format=png&seq=7");

        var (header, image) = await ReceiveFrameAsync(socket);
        Assert.True(header.GetProperty("final").GetBoolean());
        Assert.Equal("image/png", header.GetProperty("contentType").GetString());
        var png = Dicom.Imaging.Tests.Png.PngReader.Read(image);
        Assert.Equal((64, 64), (png.Width, png.Height));
    }

    [Fact]
    public async Task Session_BadRequest_ErrorMessageAndTheSessionGoesOn()
    {
        using var socket = await ConnectAsync("reviewer-c");

        await SendAsync(socket, "kind=volume&size=huge&seq=3");
        var error = await ReceiveJsonAsync(socket);
        await SendAsync(socket, "kind=mpr&size=32x32&seq=4");
        var (frame, _) = await ReceiveFrameAsync(socket);

        Assert.Equal(3, error.GetProperty("seq").GetInt64());
        Assert.Contains("size 'huge'", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, frame.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Session_SameUserAndSeriesAgain_TheOlderSessionIsClosedAsReplaced()
    {
        using var first = await ConnectAsync("reviewer-d");
        using var second = await ConnectAsync("reviewer-d");

        using var timeout = new CancellationTokenSource(Bound);
        var result = await first.ReceiveAsync(new byte[1024], timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, first.CloseStatus);
        Assert.Contains("Replaced", first.CloseStatusDescription, StringComparison.Ordinal);
        await SendAsync(second, "kind=mpr&size=32x32&seq=1");
        Assert.Equal(1, (await ReceiveFrameAsync(second)).Header.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Session_PlainGet_400()
    {
        using var response = await archive.Client.GetAsync(new Uri($"studies/{archive.Study}/series/{archive.Series[0].Uid}/session", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<ClientWebSocket> ConnectAsync(string user)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Isocenter-User", user);
        var uri = new UriBuilder(new Uri(archive.Client.BaseAddress!, $"studies/{archive.Study}/series/{archive.Series[0].Uid}/session")) { Scheme = "ws" }.Uri;
        using var timeout = new CancellationTokenSource(Bound);
        await socket.ConnectAsync(uri, timeout.Token);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task<(JsonElement Header, byte[] Image)> ReceiveFrameAsync(ClientWebSocket socket)
    {
        var header = await ReceiveJsonAsync(socket);
        Assert.False(header.TryGetProperty("error", out var error), error.ToString());
        var (type, image) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Binary, type);
        return (header, image);
    }

    private static async Task<JsonElement> ReceiveJsonAsync(ClientWebSocket socket)
    {
        var (type, bytes) = await ReceiveAsync(socket);
        Assert.Equal(WebSocketMessageType.Text, type);
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }

    private static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Bound);
        using var message = new MemoryStream();
        var buffer = new byte[65536];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return (result.MessageType, message.ToArray());
    }
}
