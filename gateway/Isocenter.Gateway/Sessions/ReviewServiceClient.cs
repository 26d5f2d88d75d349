using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace Isocenter.Gateway.Sessions;

/// <summary>A share link as the review service resolves it (<c>GET /internal/share-links/resolve?token=</c>).</summary>
internal sealed record ShareLink(Guid LinkId, Guid ReadingSetId, string Subject, DateTimeOffset ExpiresAt, IReadOnlyList<string> StudyInstanceUids, bool Blinded);

/// <summary>A token resolved: the link, or why there is none (the review service's 404 detail: bad signature, unknown, expired, revoked).</summary>
internal sealed record ShareLinkResolution(ShareLink? Link, string? Refusal);

/// <summary>
/// The review service's internal routes, which the gateway calls directly (they are not routed): <c>Gateway:ReviewService</c>,
/// else the <c>review</c> cluster's destination, else <c>http://127.0.0.1:8087/</c>.
/// </summary>
internal sealed partial class ReviewServiceClient(HttpClient http, ILogger<ReviewServiceClient> logger)
{
    /// <summary>The review service's base address per the configuration.</summary>
    public static Uri BaseAddress(IConfiguration configuration) =>
        new(configuration["Gateway:ReviewService"] ?? configuration["ReverseProxy:Clusters:review:Destinations:review:Address"] ?? "http://127.0.0.1:8087/");

    /// <summary>Resolves <paramref name="token"/>; null (logged) when the review service cannot answer.</summary>
    public async Task<ShareLinkResolution?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("internal/share-links/resolve?token=" + Uri.EscapeDataString(token), UriKind.Relative), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken);
                return new(null, problem?.Detail ?? "This link is not valid.");
            }
            response.EnsureSuccessStatusCode();
            return new(await response.Content.ReadFromJsonAsync<ShareLink>(cancellationToken)
                ?? throw new HttpRequestException("The review service resolved a share link to nothing."), null);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException
            || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            ResolveFailed(logger, e);
            return null;
        }
    }

    /// <summary>
    /// Asks the review service to have <paramref name="study"/>'s volumes prepared (<c>POST /internal/prepare</c>); a failure is
    /// logged, never thrown: the viewer works without it, only slower to show the first 3D view.
    /// </summary>
    public async Task PrepareAsync(string study)
    {
        try
        {
            using var response = await http.PostAsync(new Uri("internal/prepare?StudyInstanceUID=" + Uri.EscapeDataString(study), UriKind.Relative), null);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            PrepareFailed(logger, study, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The review service could not resolve a share link")]
    private static partial void ResolveFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The review service was not asked to prepare study {StudyInstanceUID}'s volumes")]
    private static partial void PrepareFailed(ILogger logger, string studyInstanceUID, Exception exception);
}
