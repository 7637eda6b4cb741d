using System.Globalization;
using System.Text.RegularExpressions;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Search;

/// <summary>One module's part of the results.</summary>
public sealed record SearchGroup(string Module, string Title, IReadOnlyList<RecordLink> Records);

/// <summary>
/// What the search box found. <see cref="ById"/> is set when the query was "ID 123": then the
/// groups hold the records with that ID in each module (IDs are per module, seed 002).
/// </summary>
public sealed record SearchResults(string Query, int? ById, IReadOnlyList<SearchGroup> Groups)
{
    /// <summary>The one record to open directly: an ID search that found exactly one record.</summary>
    public RecordLink? OnlyMatch => ById is not null && Groups.Sum(g => g.Records.Count) == 1 ? Groups.Single(g => g.Records.Count == 1).Records[0] : null;
}

/// <summary>
/// The global search: <c>ID 123</c> (any case, optional space) finds that ID in every module, else the
/// text is searched in every module the actor may view. Each module's lookup applies the permission
/// engine's row filter, so a record outside the actor's scope is never found, by ID or by text.
/// </summary>
public sealed partial class SearchRecords(RecordLookups lookups)
{
    public const int MaxLength = 200;
    public const int PerModule = 10;

    public async Task<Result<SearchResults>> RunAsync(Actor actor, string? query, CancellationToken cancellationToken)
    {
        var text = query?.Trim() ?? "";
        var errors = new FieldErrors().Text("q", "Search", text.Length == 0 ? null : text, MaxLength).PlainText("q", "Search", text);
        if (errors.Any)
        {
            return Result<SearchResults>.Invalid(errors);
        }

        int? id = IdQuery().Match(text) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var groups = new List<SearchGroup>();
        // Every module is asked, even one whose view the actor's role does not grant: its lookup's row
        // filter is the module's list filter, which also shows records through shares and the
        // module's own rules (a memo's author, a task's responsible users), so search finds exactly
        // what the lists show.
        foreach (var lookup in lookups.All)
        {
            IReadOnlyList<RecordLink> found = id is { } wanted
                ? (await lookup.FindAsync(actor, wanted, cancellationToken) is { } one ? [one] : [])
                : await lookup.SearchAsync(actor, text, PerModule, cancellationToken);
            if (found.Count > 0)
            {
                groups.Add(new SearchGroup(lookup.ModuleKey, lookup.Title, found));
            }
        }

        return Result<SearchResults>.Ok(new SearchResults(text, id, groups));
    }

    [GeneratedRegex(@"^id\s*(\d{1,9})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IdQuery();
}
