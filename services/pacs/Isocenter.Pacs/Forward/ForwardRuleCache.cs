using Microsoft.Extensions.Options;

namespace Isocenter.Pacs.Forward;

/// <summary>
/// The enabled rules as the consumer of received instances matches them: read from <see cref="ForwardRuleStore"/> when
/// first needed, again once <see cref="ForwardOptions.RuleRefreshInterval"/> has passed (a change made through another
/// instance of the service), and at once after a change through this one (<see cref="Invalidate"/>).
/// </summary>
public sealed class ForwardRuleCache(ForwardRuleStore store, IOptions<ForwardOptions> options, TimeProvider time)
{
    private volatile Snapshot? _cached;
    private int _version; // bumped by Invalidate: a read that began before a change is not kept

    /// <summary>The enabled rules.</summary>
    public async Task<IReadOnlyList<ForwardRule>> EnabledAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && time.GetUtcNow() - cached.ReadAt < options.Value.RuleRefreshInterval)
        {
            return cached.Rules;
        }
        var version = Volatile.Read(ref _version);
        var readAt = time.GetUtcNow();
        var enabled = (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(r => r.Enabled).ToList();
        if (version == Volatile.Read(ref _version))
        {
            _cached = new Snapshot(enabled, readAt);
        }
        return enabled;
    }

    /// <summary>Forgets the rules: the next <see cref="EnabledAsync"/> reads them.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        _cached = null;
    }

    private sealed record Snapshot(IReadOnlyList<ForwardRule> Rules, DateTimeOffset ReadAt);
}
