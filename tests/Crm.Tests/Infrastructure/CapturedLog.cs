using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Crm.Tests.Infrastructure;

public sealed record LogLine(string Category, LogLevel Level, string Message, string? Exception);

/// <summary>
/// Every log line the app writes, as the configured filters let it through, with its message
/// and exception rendered: what an operator's log would hold.
/// </summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception) + " " + structured, exception?.ToString()));
        }
    }
}
