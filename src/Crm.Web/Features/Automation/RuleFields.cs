using System.Text.Json.Nodes;
using Crm.Web.Records;
using Crm.Web.Security;

namespace Crm.Web.Features.Automation;

/// <summary>
/// The fields a rule's conditions may name: the module's own (<see cref="AutomationModule.Fields"/>)
/// and its custom fields, named as the API and the audit trail name them (<c>customFields.tier</c>),
/// when the custom-field feature is there. Which custom fields, and their values, are those the
/// given actor may see: the administrator saving a rule sees every field, the rule's automation user
/// the ones its role shows, so a field hidden from that user reads as empty, as a hidden built-in
/// field does.
/// </summary>
public sealed class RuleFields(IServiceProvider services)
{
    private IRecordCustomFields? Custom => services.GetService<IRecordCustomFields>();

    public async Task<IReadOnlyList<RecordField>> OfAsync(AutomationModule module, Actor actor, CancellationToken cancellationToken)
    {
        if (!module.WholeNumberIds || Custom is not { } custom)
        {
            return module.Fields;
        }

        var entries = await custom.EntriesAsync(actor, module.Key, null, null, cancellationToken);
        return [.. module.Fields, .. entries.Select(e => new RecordField(e.Name, e.Label, KindOf(e.Type)))];
    }

    /// <summary>
    /// The custom-field values of record <paramref name="id"/> the actor may see, by their field name
    /// (<c>customFields.tier</c>; null: no value), as stored: a number, an ISO date, "true"/"false", a choice.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> ValuesAsync(AutomationModule module, Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!module.WholeNumberIds || Custom is not { } custom)
        {
            return new Dictionary<string, string?>();
        }

        var read = await custom.ReadAsync(actor, module.Key, id, cancellationToken);
        return read.ToDictionary(p => $"{CustomFieldEntry.Prefix}.{p.Key}", p => RecordValues.Text(p.Value));
    }

    /// <summary>
    /// The custom fields named in an audit entry's changes that are not among <paramref name="visible"/>:
    /// to be left out of the change, as a hidden built-in field is.
    /// </summary>
    public static IEnumerable<string> HiddenIn(string changes, IReadOnlyDictionary<string, string?> visible) =>
        (JsonNode.Parse(changes) as JsonObject ?? []).Select(p => p.Key)
            .Where(name => name.StartsWith(CustomFieldEntry.Prefix + ".", StringComparison.Ordinal) && !visible.ContainsKey(name));

    // The custom-field feature's type names (Features/CustomFields/CustomFieldTypes), compared as the
    // kind their stored form reads as: money is kept like "1234.50", a date like "2026-12-31"; a date
    // and time (an instant in UTC) is compared as its text.
    private static FieldKind KindOf(string type) => type switch
    {
        "number" or "money" => FieldKind.Number,
        "date" => FieldKind.Date,
        "checkbox" => FieldKind.YesNo,
        _ => FieldKind.Text,
    };
}
