using Crm.Web.Records;
using Crm.Web.Security;

namespace Crm.Web.Features.Import;

/// <summary>
/// The fields an import may fill for one person: the module's built-in fields their role may edit, then
/// the module's custom fields they may edit (admin-only ones only for administrators), keyed
/// <c>customFields.key</c> as the forms name them. The template, the proposed mapping, the mapping's
/// check and the run page all read this one list, so a field appears in all of them or in none.
/// </summary>
public sealed class ImportFields(RecordAccess access, IServiceProvider services)
{
    public async Task<IReadOnlyList<ImportField>> EditableAsync(Actor actor, IRecordImport module, CancellationToken cancellationToken)
    {
        var rules = await access.FieldsAsync(actor, module.Definition.Key, cancellationToken);
        var fields = module.Fields.Where(f => rules.CanEdit(f.Key)).ToList();
        if (services.GetService<IRecordCustomFields>() is { } custom)
        {
            fields.AddRange((await custom.EntriesAsync(actor, module.Definition.Key, null, null, cancellationToken))
                .Where(e => e.Editable)
                .Select(e => new ImportField(e.Name, e.Label, e.Type == "date" ? ImportValueKind.Date : ImportValueKind.Text)
                {
                    Choices = e.Choices.Count > 0 ? e.Choices : null,
                }));
        }

        return fields;
    }
}
