using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Isocenter.Gateway.Proxy;

/// <summary>
/// Render requests of one series go to one render destination (its volume stays in that one's GPU memory): the series UID
/// (<c>…/series/{uid}…</c> in the path, else the <c>SeriesInstanceUID</c> query parameter, else the whole path) picks the
/// destination by rendezvous hashing, so adding or removing a destination moves only the series that were, or become, its own.
/// </summary>
internal sealed partial class SeriesAffinityPolicy : ILoadBalancingPolicy
{
    /// <summary>The policy's name in a cluster's <c>LoadBalancingPolicy</c>.</summary>
    public const string PolicyName = "SeriesInstanceUid";

    /// <inheritdoc/>
    public string Name => PolicyName;

    /// <inheritdoc/>
    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        availableDestinations.Count == 0 ? null : availableDestinations[Choose(AffinityKey(context.Request), availableDestinations.Select(d => d.DestinationId).ToList())];

    /// <summary>The series UID the request names, or its path.</summary>
    internal static string AffinityKey(HttpRequest request)
    {
        if (SeriesInPath().Match(request.Path.Value ?? "") is { Success: true } match)
        {
            return match.Groups[1].Value;
        }
        return request.Query.TryGetValue("SeriesInstanceUID", out var series) && !string.IsNullOrEmpty(series) ? series.ToString() : request.Path.Value ?? "";
    }

    /// <summary>The index of the destination (by id) with the highest hash of (id, key): the same key, the same destination.</summary>
    internal static int Choose(string key, IReadOnlyList<string> destinationIds)
    {
        var chosen = 0;
        var highest = 0UL;
        for (var i = 0; i < destinationIds.Count; i++)
        {
            var score = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes($"{destinationIds[i]}\n{key}"));
            if (i == 0 || score > highest)
            {
                (chosen, highest) = (i, score);
            }
        }
        return chosen;
    }

    [GeneratedRegex(@"/series/([0-9.]+)")]
    private static partial Regex SeriesInPath();
}
