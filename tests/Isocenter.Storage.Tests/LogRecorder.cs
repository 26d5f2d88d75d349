using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Isocenter.Storage.Tests;

/// <summary>Keeps the host's log entries and lets a test wait for one.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();
    private readonly SemaphoreSlim _added = new(0);

    public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => _entries;

    /// <summary>Waits until an entry matches (the bound only stops a broken test).</summary>
    public async Task<(LogLevel Level, string Message)> WaitForAsync(Func<(LogLevel Level, string Message), bool> predicate)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            foreach (var entry in _entries)
            {
                if (predicate(entry))
                {
                    return entry;
                }
            }
            await _added.WaitAsync(bound.Token);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() => _added.Dispose();

    private sealed class Logger(LogRecorder recorder) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            recorder._entries.Enqueue((logLevel, formatter(state, exception)));
            recorder._added.Release();
        }
    }
}
