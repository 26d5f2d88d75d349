using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Isocenter.Gateway.Tests;

/// <summary>
/// A real Kestrel server standing in for the review service: it resolves the share links it was given
/// (<c>/internal/share-links/resolve</c>, the contract's answers), revokes them (<c>DELETE /api/share-links/{id}</c>), records
/// <c>/internal/prepare</c> calls and every other request it receives (with its headers).
/// </summary>
public sealed class FakeReviewService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeShareLink> _links = new(StringComparer.Ordinal);

    private FakeReviewService(WebApplication app) => _app = app;

    /// <summary>The service's address.</summary>
    public string Address => _app.Urls.First() + "/";

    /// <summary>The studies <c>/internal/prepare</c> was asked for.</summary>
    public ConcurrentQueue<string> Prepared { get; } = new();

    /// <summary>The other requests received (path and query, headers).</summary>
    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Starts the service.</summary>
    public static async Task<FakeReviewService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new FakeReviewService(app);
        app.MapGet("/internal/share-links/resolve", (string token) => service._links.TryGetValue(token, out var link) switch
        {
            false => Results.Problem(statusCode: 404, title: "No such share link", detail: "This link is not valid (its signature does not match)."),
            true when link.Revoked => Results.Problem(statusCode: 404, title: "Share link revoked", detail: "This link was revoked by the reading set's owner."),
            true when link.ExpiresAt < DateTimeOffset.UtcNow => Results.Problem(statusCode: 404, title: "Share link expired", detail: $"This link expired at {link.ExpiresAt:u}."),
            true => Results.Ok(new
            {
                linkId = link.LinkId,
                readingSetId = link.ReadingSetId,
                subject = "share:" + link.LinkId,
                expiresAt = link.ExpiresAt,
                studyInstanceUids = link.Studies,
                blinded = true,
            }),
        });
        app.MapDelete("/api/share-links/{id:guid}", (Guid id) =>
        {
            foreach (var link in service._links.Values.Where(link => link.LinkId == id))
            {
                link.Revoked = true;
            }
            return Results.NoContent();
        });
        app.MapPost("/internal/prepare", (string studyInstanceUID) =>
        {
            service.Prepared.Enqueue(studyInstanceUID);
            return Results.Accepted();
        });
        app.Map("/{**rest}", (HttpContext context) =>
        {
            service.Received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), 0));
            return Results.Text("review");
        });
        await app.StartAsync();
        return service;
    }

    /// <summary>A new link to <paramref name="studies"/> expiring at <paramref name="expiresAt"/>; returns it with its token.</summary>
    public FakeShareLink AddLink(IReadOnlyList<string> studies, DateTimeOffset expiresAt)
    {
        var link = new FakeShareLink(Guid.NewGuid(), Guid.NewGuid(), [.. studies], expiresAt, "tok" + Guid.NewGuid().ToString("N"));
        _links[link.Token] = link;
        return link;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A share link the fake review service knows.</summary>
public sealed record FakeShareLink(Guid LinkId, Guid ReadingSetId, string[] Studies, DateTimeOffset ExpiresAt, string Token)
{
    /// <summary>Whether it was revoked.</summary>
    public bool Revoked { get; set; }
}
