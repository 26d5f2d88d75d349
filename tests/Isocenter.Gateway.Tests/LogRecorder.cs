using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Isocenter.Gateway.Tests;

/// <summary>Keeps the gateway's log entries with their category and structured values.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>The entries so far.</summary>
    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            recorder._entries.Enqueue(new LogEntry(category, formatter(state, exception), values.ToDictionary(v => v.Key, v => v.Value?.ToString())));
        }
    }
}

/// <summary>One log entry: its category, message and structured values.</summary>
public sealed record LogEntry(string Category, string Message, IReadOnlyDictionary<string, string?> Values);
