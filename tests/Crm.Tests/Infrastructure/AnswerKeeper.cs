using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// The text of every answer the clients of one app receive while keeping is on
/// (<see cref="CrmApp.KeepAnswers"/>): pages, API bodies, exports (an xlsx as the text of its parts).
/// For tests that look for what must never be in any answer, without each path having to remember to look.
/// </summary>
public sealed class KeptAnswers
{
    private ConcurrentQueue<(string Url, string Text)>? _answers;

    public void Start() => _answers = new();

    /// <summary>The answers kept since the last call (or <see cref="Start"/>); keeping goes on.</summary>
    public IReadOnlyList<(string Url, string Text)> Take() => Interlocked.Exchange(ref _answers, new()) is { } kept ? [.. kept] : [];

    internal bool On => _answers is not null;

    internal void Add(string url, string text) => _answers?.Enqueue((url, text));
}

/// <summary>One client's link to its app's <see cref="KeptAnswers"/>.</summary>
public sealed class AnswerKeeper(KeptAnswers kept) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (kept.On)
        {
            // Reading buffers the content, so the test still reads it as usual afterwards.
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            kept.Add($"{request.Method} {request.RequestUri?.PathAndQuery}", TextOf(bytes));
        }

        return response;
    }

    private static string TextOf(byte[] bytes)
    {
        if (bytes.Length < 4 || bytes[0] != 'P' || bytes[1] != 'K' || bytes[2] != 3 || bytes[3] != 4)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var text = new StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }
}
