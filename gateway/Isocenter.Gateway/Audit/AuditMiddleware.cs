using System.Text.RegularExpressions;
using Isocenter.Gateway.Auth;
using Isocenter.Gateway.Sessions;
using Microsoft.AspNetCore.Authorization;

namespace Isocenter.Gateway.Audit;

/// <summary>
/// The audit log: one entry per request (open endpoints aside, unless marked <see cref="AuditedOpenEndpoint"/>), refused ones included, in the category
/// <see cref="Category"/>: who (the token's subject or the API key's name), how, which study, method, path, status, when, from where;
/// and the same, with its action, queued for the audit trail in the database (<see cref="AuditStore"/>).
/// </summary>
internal sealed partial class AuditMiddleware(RequestDelegate next, ILoggerFactory loggers, TimeProvider time, AuditStore store)
{
    /// <summary>The audit log's category, to route or keep it apart from the service's own log.</summary>
    public const string Category = "Isocenter.Audit";

    private readonly ILogger _audit = loggers.CreateLogger(Category);

    /// <summary>Runs the request, then writes its entry.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata is { } metadata && metadata.GetMetadata<IAllowAnonymous>() is not null
            && metadata.GetMetadata<AuditedOpenEndpoint>() is null)
        {
            await next(context);
            return;
        }
        var start = time.GetUtcNow();
        try
        {
            await next(context);
            Write(context, start, context.Response.StatusCode);
        }
        catch
        {
            Write(context, start, StatusCodes.Status500InternalServerError);
            throw;
        }
    }

    private void Write(HttpContext context, DateTimeOffset start, int status)
    {
        var request = context.Request;
        var user = GatewayUser.Subject(context.User) ?? "anonymous";
        var scheme = GatewayUser.Scheme(context.User) ?? "none";
        var study = StudyOf(request);
        // A share link's token is a credential: the landing's path is written as its route, never with the token.
        var path = context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: ShareLinkLanding.Route } ? ShareLinkLanding.Route : request.Path.Value ?? "";
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "-";
        Accessed(_audit, user, scheme, study, request.Method, path, status, start, client);
        store.Enqueue(new AuditEvent(start, user, scheme, AuditAction.Of(request), study is "-" or "search" ? null : study, request.Method, path, status, client));
    }

    /// <summary>
    /// The study a request concerns: the UID in <c>/dicomweb/studies/{uid}</c> or <c>/render/studies/{uid}</c>, else the <c>StudyInstanceUID</c> query parameter,
    /// else "search" for other DICOMweb GETs (QIDO across studies), else "-".
    /// </summary>
    internal static string StudyOf(HttpRequest request)
    {
        if (StudyInPath().Match(request.Path.Value ?? "") is { Success: true } match)
        {
            return match.Groups[1].Value;
        }
        if (request.Query.TryGetValue("StudyInstanceUID", out var study) && !string.IsNullOrEmpty(study))
        {
            return study.ToString();
        }
        return request.Path.StartsWithSegments(GatewayRoutes.DicomWeb, StringComparison.Ordinal) && HttpMethods.IsGet(request.Method) ? "search" : "-";
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{User} ({Scheme}) study {StudyInstanceUID}: {Method} {Path} -> {Status} at {Time:O} from {Client}")]
    private static partial void Accessed(ILogger logger, string user, string scheme, string studyInstanceUID, string method, string path, int status,
        DateTimeOffset time, string client);

    [GeneratedRegex(@"^/(?:dicomweb|render)/studies/([0-9.]+)")]
    private static partial Regex StudyInPath();
}

/// <summary>Endpoint metadata: audit this open endpoint's requests (login, logout), though open endpoints are otherwise not audited.</summary>
internal sealed class AuditedOpenEndpoint
{
    /// <summary>The marker.</summary>
    public static readonly AuditedOpenEndpoint Instance = new();
}
