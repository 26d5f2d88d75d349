using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Primitives;

namespace Isocenter.Gateway.Sessions;

/// <summary>What the scope policy answers for a request of a scoped session.</summary>
internal enum ScopeVerdict
{
    /// <summary>Pass the request on (with <see cref="ScopeDecision.Query"/> when the policy rewrote its query).</summary>
    Allow,

    /// <summary>404: a study outside the scope, answered as if it did not exist.</summary>
    NotFound,

    /// <summary>403: a route a scoped session may not use.</summary>
    Forbidden,

    /// <summary>200 with an empty DICOM JSON array: a search whose studies are all outside the scope.</summary>
    EmptySearch,
}

/// <summary>The policy's answer; <see cref="Query"/> replaces the request's query when set.</summary>
internal readonly record struct ScopeDecision(ScopeVerdict Verdict, QueryString? Query = null);

/// <summary>
/// The one place that says what a scoped session (a share link's, a launch token's: docs/gateway.md, "Scoped sessions") may
/// do. Read-only: GET/HEAD of the viewer's files and pages; <c>/dicomweb/studies/{uid}/…</c> and <c>/render/studies/{uid}/…</c>
/// for studies in scope (others 404), and <c>/render</c> (the render service's status); QIDO <c>/dicomweb/studies?…</c> narrowed to the scope; <c>/api/review/…</c> (GET, and
/// PUT of findings); <c>/api/activity</c> for a study in scope. Anything else is 403.
/// </summary>
internal static class ScopePolicy
{
    /// <summary>The QIDO keys that name the Study Instance UID (keyword or tag).</summary>
    private static readonly string[] StudyKeys = ["StudyInstanceUID", "0020000D"];

    /// <summary>The decision for <paramref name="method"/> <paramref name="path"/>?<paramref name="query"/> in <paramref name="scope"/>.</summary>
    public static ScopeDecision Decide(string method, PathString path, IQueryCollection query, SessionScope scope)
    {
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (!GatewayRoutes.IsProxied(path))
        {
            return new(read ? ScopeVerdict.Allow : ScopeVerdict.Forbidden); // the viewer's files and pages
        }
        // Literal segments compare case-insensitively, as the routes match; UIDs are digits and dots, unchanged by lowering.
        var segments = (path.Value ?? "").ToLowerInvariant().Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            ["dicomweb", "studies"] when read => Narrow(query, scope),
            ["render"] when read => new(ScopeVerdict.Allow), // the render service's status (presets), which the viewer's 3D view reads first
            ["dicomweb" or "render", "studies", var study, ..] when read => new(scope.Studies.Contains(study) ? ScopeVerdict.Allow : ScopeVerdict.NotFound),
            ["api", "review", ..] when read => new(ScopeVerdict.Allow),
            ["api", "review", "findings", _] when HttpMethods.IsPut(method) => new(ScopeVerdict.Allow),
            ["api", "activity"] when read => Requested(query) switch
            {
                [] => new(ScopeVerdict.Forbidden),
                var studies => new(studies.All(scope.Studies.Contains) ? ScopeVerdict.Allow : ScopeVerdict.NotFound),
            },
            _ => new(ScopeVerdict.Forbidden),
        };
    }

    /// <summary>
    /// A search for studies limited to the scope: its <c>StudyInstanceUID</c> becomes the scope's studies, intersected with
    /// those the request names (a UID list: comma or backslash separated, PS3.18 8.3.4.1); nothing left is an empty result.
    /// </summary>
    private static ScopeDecision Narrow(IQueryCollection query, SessionScope scope)
    {
        var requested = Requested(query);
        var studies = scope.Studies.Where(study => requested.Length == 0 || requested.Contains(study)).Order(StringComparer.Ordinal).ToList();
        if (studies.Count == 0)
        {
            return new(ScopeVerdict.EmptySearch);
        }
        var narrowed = new QueryBuilder(query.Where(parameter => !IsStudyKey(parameter.Key)).SelectMany(
            parameter => parameter.Value.Select(value => KeyValuePair.Create(parameter.Key, value ?? ""))))
        {
            { StudyKeys[0], string.Join(',', studies) },
        };
        return new(ScopeVerdict.Allow, narrowed.ToQueryString());
    }

    private static string[] Requested(IQueryCollection query) =>
        [.. query.Where(parameter => IsStudyKey(parameter.Key)).SelectMany(parameter => Values(parameter.Value))];

    private static IEnumerable<string> Values(StringValues values) =>
        values.SelectMany(value => (value ?? "").Split([',', '\\'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static bool IsStudyKey(string key) => StudyKeys.Contains(key, StringComparer.OrdinalIgnoreCase);
}
