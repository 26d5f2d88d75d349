using Isocenter.Render.Volumes;

namespace Isocenter.Render.Sessions;

/// <summary>
/// The open sessions, at most one per reviewer and series (a newer one replaces the older: a second tab or a reconnect), and
/// at most <see cref="RenderOptions.MaxSessions"/> in all.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly Dictionary<(string User, SeriesKey Key), RenderSession> _sessions = [];
    private readonly Lock _lock = new();

    /// <summary>Open sessions.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>True when another session can open (or would replace one of the same reviewer and series).</summary>
    public bool HasRoom(string user, SeriesKey key, int max)
    {
        lock (_lock)
        {
            return _sessions.Count < max || _sessions.ContainsKey((user, key));
        }
    }

    /// <summary>Registers <paramref name="session"/>; returns the session it replaces, to be closed, or null.</summary>
    public RenderSession? Add(RenderSession session)
    {
        lock (_lock)
        {
            _sessions.Remove((session.User, session.Key), out var replaced);
            _sessions[(session.User, session.Key)] = session;
            return replaced;
        }
    }

    /// <summary>Forgets <paramref name="session"/> unless a newer one has replaced it.</summary>
    public void Remove(RenderSession session)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue((session.User, session.Key), out var current) && current == session)
            {
                _sessions.Remove((session.User, session.Key));
            }
        }
    }
}
