using Isocenter.Gateway.Sessions;

namespace Isocenter.Gateway.Audit;

/// <summary>What an audited request did, classified from its method and path (the <c>action</c> of an audit row).</summary>
internal static class AuditAction
{
    /// <summary>Every action, as stored and queried.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(
        ["view", "search", "render", "finding-change", "export", "mapping-read", "share-link", "reading-set", "launch", "login", "admin", "other"],
        StringComparer.Ordinal);

    /// <summary>The action of <paramref name="request"/> (its method and path; a launch URL by its <c>launch</c> parameter).</summary>
    public static string Of(HttpRequest request)
    {
        var read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        var segments = (request.Path.Value ?? "").ToLowerInvariant().Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            ["viewer"] when request.Query.ContainsKey(LaunchLinks.Parameter) => "launch",
            ["login" or "logout"] or ["review", _] => "login",
            ["dicomweb", "studies" or "series" or "instances"] when read => "search",
            ["dicomweb", ..] when read => "view",
            ["render", ..] => "render",
            ["api", "review", "findings", ..] when !read => "finding-change",
            ["api", "review" or "activity", ..] => "view",
            ["api", "reading-sets", _, "mapping"] => "mapping-read",
            ["api", "reading-sets", _, "findings.csv" or "findings", ..] => "export",
            ["api", "reading-sets", _, "share-links", ..] or ["api", "share-links", ..] => "share-link",
            ["api", "reading-sets", ..] => "reading-set",
            ["api", "sends", ..] => "export",
            ["api", "launch-tokens"] => "launch",
            ["api", "audit" or "dicom-nodes" or "forward-rules", ..] => "admin",
            _ => "other",
        };
    }
}
