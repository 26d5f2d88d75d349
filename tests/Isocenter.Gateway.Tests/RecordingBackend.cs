using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Isocenter.Gateway.Tests;

/// <summary>A real Kestrel server on a free loopback port that answers its name and keeps every request it receives.</summary>
public sealed class RecordingBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    private RecordingBackend(string name, WebApplication app) => (Name, _app) = (name, app);

    /// <summary>What the backend answers (its body).</summary>
    public string Name { get; }

    /// <summary>The backend's address, as a YARP destination.</summary>
    public string Address => _app.Urls.First() + "/";

    /// <summary>The requests received so far.</summary>
    public IReadOnlyCollection<ReceivedRequest> Received => _received;

    /// <summary>Starts a backend that answers <paramref name="name"/>.</summary>
    public static async Task<RecordingBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0").ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new RecordingBackend(name, app);
        app.Run(async context =>
        {
            var body = new CountingStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            backend._received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.Length));
            await context.Response.WriteAsync(name, context.RequestAborted);
        });
        await app.StartAsync();
        return backend;
    }

    /// <summary>The requests whose path and query contain <paramref name="marker"/>.</summary>
    public IReadOnlyList<ReceivedRequest> ReceivedWith(string marker) => [.. _received.Where(r => r.PathAndQuery.Contains(marker, StringComparison.Ordinal))];

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request as the backend saw it (its body counted, not kept).</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, long BodyLength);

/// <summary>A write-only stream that counts what is written to it.</summary>
internal sealed class CountingStream : Stream
{
    private long _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => _length += count;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _length += buffer.Length;
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
