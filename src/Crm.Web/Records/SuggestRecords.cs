using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Records;

/// <summary>One suggestion of a related-record field: what the form posts, and what the person reads.</summary>
public sealed record RecordSuggestion(int Id, string Label);

/// <summary>
/// The suggestions of a related-record field (the record picker): up to <see cref="Limit"/> records
/// of one module whose name contains the typed text, or the record with the typed ID. They come
/// from the module's <see cref="IRecordLookup"/>, whose row filter is the module's list filter, so a
/// record the actor may not see is never suggested, by name or by ID. An unknown module is not found.
/// </summary>
public sealed class SuggestRecords(RecordLookups lookups)
{
    public const int Limit = 10;
    public const int MaxLength = 200;

    public async Task<Result<IReadOnlyList<RecordSuggestion>>> RunAsync(Actor actor, string module, string? query, CancellationToken cancellationToken)
    {
        if (lookups.Of(module) is not { } lookup)
        {
            return Result<IReadOnlyList<RecordSuggestion>>.NotFound();
        }

        var text = query?.Trim() ?? "";
        var errors = new FieldErrors().Text("q", "Search", text.Length == 0 ? null : text, MaxLength, required: false).PlainText("q", "Search", text);
        if (errors.Any)
        {
            return Result<IReadOnlyList<RecordSuggestion>>.Invalid(errors);
        }

        if (text.Length == 0)
        {
            // Nothing typed yet: no suggestions, rather than a list of whatever was changed last.
            return Result<IReadOnlyList<RecordSuggestion>>.Ok([]);
        }

        IReadOnlyList<RecordLink> found = RecordIds.TryParse(text, out var id)
            ? (await lookup.FindAsync(actor, id, cancellationToken) is { } one ? [one] : [])
            : await lookup.SearchAsync(actor, text, Limit, cancellationToken);
        return Result<IReadOnlyList<RecordSuggestion>>.Ok([.. found.Select(r => new RecordSuggestion(r.Id, r.Label))]);
    }
}
