using System.Collections.Concurrent;

namespace Isocenter.Gateway.Sessions;

/// <summary>
/// Share-link tokens resolved by the review service, each answer kept at most <see cref="CacheLifetime"/> (a viewer fetches
/// frames by the hundred; a revocation elsewhere takes effect within that time) and dropped at once when this gateway proxies the
/// revocation of its link or the deletion of its reading set (<see cref="Evict"/>).
/// </summary>
internal sealed class ShareLinks(ReviewServiceClient review, TimeProvider time)
{
    /// <summary>How long an answer is reused.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(1);

    // Beyond this many entries, expired ones are swept on the next insert: the cache stays as large as a second's tokens.
    private const int SweepAbove = 1024;

    private readonly ConcurrentDictionary<string, (ShareLinkResolution Resolution, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The link of <paramref name="token"/> (from the cache when answered within <see cref="CacheLifetime"/>); null when the
    /// review service cannot answer.
    /// </summary>
    public async Task<ShareLinkResolution?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(token, out var cached) && now - cached.At < CacheLifetime)
        {
            return cached.Resolution;
        }
        if (await review.ResolveAsync(token, cancellationToken) is not { } resolution)
        {
            return null;
        }
        if (_cache.Count > SweepAbove)
        {
            foreach (var (key, entry) in _cache.Where(entry => now - entry.Value.At >= CacheLifetime))
            {
                _cache.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
        _cache[token] = (resolution, now);
        return resolution;
    }

    /// <summary>Drops the answers about the link or reading set <paramref name="id"/>: the next request asks the review service again.</summary>
    public void Evict(Guid id)
    {
        foreach (var (key, entry) in _cache.Where(entry => entry.Value.Resolution.Link is { } link && (link.LinkId == id || link.ReadingSetId == id)))
        {
            _cache.TryRemove(KeyValuePair.Create(key, entry));
        }
    }
}
