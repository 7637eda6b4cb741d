using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.CustomFields;

/// <summary>
/// Adds or changes a custom field (administrators). Refused with a message per field, changing
/// nothing: a key that is not a simple identifier, is taken in the module, or is reserved (a built-in
/// field of the module, <c>id</c>, <c>owner</c>, <c>__proto__</c>…); a label over 100 characters; a
/// select without choices; a default that is not a value of the type; a required field on a module
/// whose records lack a value, until the administrator chooses to fill them with the default now or
/// to require it only on new and edited records (the choice is kept on the field); a type change or a
/// removed choice that stored values could not follow (with their count and examples). A type change
/// rewrites the stored values in their new form, in the same transaction as the field.
/// </summary>
public sealed partial class SaveCustomField(CrmDb db, CustomFieldRecords records, AuditContext audit, TimeProvider clock)
{
    /// <summary>Names no field may take whatever the module: the kit's own, and words that mean something to JavaScript clients.</summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "id", "owner", "ownerId", "department", "departmentId", "version", "customFields", "label", "createdAt", "createdById",
        "modifiedAt", "modifiedById", "__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty",
    };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex KeyPattern();

    public async Task<Result<CustomFieldView>> RunAsync(Actor actor, int? id, CustomFieldInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result<CustomFieldView>.Forbidden(ListCustomFields.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result<CustomFieldView>.Forbidden(RecordEditing.PreviewRefused);
        }

        var field = id is { } existing ? await db.Set<CustomField>().FirstOrDefaultAsync(f => f.Id == existing, cancellationToken) : null;
        if (id is not null && field is null)
        {
            return Result<CustomFieldView>.NotFound();
        }

        var errors = new FieldErrors();
        var module = field?.Module ?? input.Module?.Trim();
        var readable = CustomFieldModules.Find(module);
        if (field is not null && input.Module is { } movedTo && movedTo.Trim() != field.Module)
        {
            errors.Add("module", "A field cannot move to another module: add a new field there.");
        }
        else if (readable is null)
        {
            errors.Add("module", $"Choose a module: {string.Join(", ", CustomFieldModules.All.Select(m => m.Key))}.");
        }

        var key = input.Key?.Trim() ?? field?.Key;
        if (field is not null && key != field.Key)
        {
            errors.Add("key", $"The key stays '{field.Key}': the API and imports use it. Add a new field for a new key.");
        }
        else if (field is null)
        {
            CheckKey(errors, key, readable);
            if (!errors.ToDictionary().ContainsKey("key") && readable is not null
                && (await db.Set<CustomField>().Where(f => f.Module == readable.Key).Select(f => f.Key).ToListAsync(cancellationToken))
                    .Contains(key!, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add("key", $"{readable.Title} already have a field with the key '{key}'.");
            }
        }

        var label = input.Label?.Trim();
        errors.Text("label", "The label", label, CustomField.LabelMaxLength);
        var type = input.Type?.Trim().ToLowerInvariant() ?? field?.Type;
        if (type is null || !CustomFieldTypes.All.Contains(type))
        {
            errors.Add("type", $"Choose a type: {string.Join(", ", CustomFieldTypes.All)}.");
            type = null;
        }

        var choices = CheckChoices(errors, type, input.Choices);
        var help = input.HelpText?.Trim();
        errors.Text("helpText", "The help text", help, CustomField.HelpMaxLength, required: false);
        var width = input.Width?.Trim().ToLowerInvariant() ?? field?.Width ?? CustomFieldWidths.Half;
        if (width is not (CustomFieldWidths.Half or CustomFieldWidths.Full))
        {
            errors.Add("width", "The form width is half or full.");
        }

        StoredValue? defaultValue = null;
        if (type is not null && !errors.ToDictionary().ContainsKey("choices"))
        {
            var (value, error) = CustomFieldTypes.Read(type, "The default value", choices, input.DefaultValue);
            defaultValue = value;
            if (error is not null)
            {
                errors.Add("defaultValue", error);
            }
        }

        if (errors.Any)
        {
            return Result<CustomFieldView>.Invalid(errors);
        }

        // The stored values must follow a new type or the removal of a choice.
        var rewrites = new List<(string Old, StoredValue New)>();
        if (field is not null && (field.Type != type || choices.Count < field.ChoiceList.Count || !field.ChoiceList.All(c => choices.Any(n => n.Value == c.Value))))
        {
            var held = await db.Set<CustomFieldValue>().Where(v => v.FieldId == field.Id).GroupBy(v => v.TextValue ?? v.LongTextValue)
                .Select(g => new { Text = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            var refused = new List<(string Text, int Count)>();
            foreach (var value in held.Where(h => h.Text is not null))
            {
                var (converted, error) = CustomFieldTypes.Read(type!, label!, choices, value.Text, allowRetired: true);
                if (error is not null || converted is null)
                {
                    refused.Add((value.Text!, value.Count));
                }
                else if (field.Type != type)
                {
                    rewrites.Add((value.Text!, converted));
                }
            }

            if (refused.Count > 0)
            {
                var count = refused.Sum(r => r.Count);
                var examples = string.Join(", ", refused.Take(3).Select(r => $"'{Bound(r.Text)}'"));
                var what = field.Type != type ? $"as {CustomFieldTypes.Title(type!).ToLowerInvariant()}" : "without the removed choices (retire a choice instead of removing it)";
                return Result<CustomFieldView>.Invalid(field.Type != type ? "type" : "choices",
                    $"{count} stored value{(count == 1 ? "" : "s")} cannot be kept {what}, e.g. {examples}. Change or clear them first.");
            }
        }

        var becomesRequired = input.Required && (field is null || !field.Required);
        var apply = field?.RequiredApplied;
        var fill = 0;
        if (becomesRequired)
        {
            var lacking = await records.CountLackingAsync(module!, field?.Id, cancellationToken);
            apply = lacking == 0 ? null : input.RequiredApply?.Trim().ToLowerInvariant();
            if (lacking > 0 && apply is not (RequiredApply.Fill or RequiredApply.NewAndEdited))
            {
                return Result<CustomFieldView>.Invalid("requiredApply",
                    $"{lacking} {readable!.Title.ToLowerInvariant()} have no value for this field. Choose to fill them with the default value now, or to require it only on new and edited records.");
            }

            if (apply == RequiredApply.Fill && defaultValue is null)
            {
                return Result<CustomFieldView>.Invalid("defaultValue", $"Give a default value to fill the {lacking} {readable!.Title.ToLowerInvariant()} without one.");
            }

            fill = apply == RequiredApply.Fill ? lacking : 0;
        }
        else if (!input.Required)
        {
            apply = null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (field is null)
        {
            var last = await db.Set<CustomField>().Where(f => f.Module == module).MaxAsync(f => (int?)f.Position, cancellationToken);
            field = new CustomField { Module = module!, Key = key!, CreatedAt = now, Position = (last ?? 0) + 1 };
            db.Add(field);
        }

        field.Label = label!;
        field.Type = type!;
        field.Choices = CustomField.WriteChoices(choices);
        field.Required = input.Required;
        field.RequiredApplied = apply;
        field.DefaultValue = defaultValue?.Shown;
        field.HelpText = string.IsNullOrEmpty(help) ? null : help;
        field.AdminOnly = input.AdminOnly;
        field.ShowOnPdf = input.ShowOnPdf;
        field.ShowOnPortal = input.ShowOnPortal;
        field.PersonalData = input.PersonalData;
        field.Width = width;
        field.Position = input.Position is > 0 and <= 10000 ? input.Position.Value : field.Position;
        field.ModifiedAt = now;
        if (fill > 0)
        {
            audit.Note("custom-field", $"{module}/{key}", label!, "filled",
                new JsonObject { ["module"] = module, ["key"] = key, ["records"] = fill, ["value"] = defaultValue!.Shown });
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var (old, converted) in rewrites)
        {
            var fieldId = field.Id;
            await db.Set<CustomFieldValue>().Where(v => v.FieldId == fieldId && (v.TextValue == old || v.LongTextValue == old))
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.TextValue, converted.Text).SetProperty(v => v.LongTextValue, converted.LongText)
                    .SetProperty(v => v.NumberValue, converted.Number).SetProperty(v => v.DateValue, converted.Date), cancellationToken);
        }

        if (fill > 0)
        {
            await records.FillAsync(field, defaultValue!, cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return Result<CustomFieldView>.Ok(CustomFieldView.Of(field, await db.Set<CustomFieldValue>().CountAsync(v => v.FieldId == field.Id, cancellationToken)));
    }

    private static void CheckKey(FieldErrors errors, string? key, ReadableModule? module)
    {
        if (string.IsNullOrEmpty(key))
        {
            errors.Add("key", "The key is required: letters, digits and _, starting with a letter (like vatNumber).");
        }
        else if (ReservedKeys.Contains(key))
        {
            errors.Add("key", $"'{Bound(key)}' is reserved: choose another key.");
        }
        else if (key.Length > CustomField.KeyMaxLength || !KeyPattern().IsMatch(key))
        {
            errors.Add("key", $"The key must be at most {CustomField.KeyMaxLength} letters, digits and _, starting with a letter (like vatNumber).");
        }
        else if (module is not null && RecordFields.Of(module).Any(f => string.Equals(f.Name, key, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add("key", $"'{key}' is a built-in field of {module.Title.ToLowerInvariant()}: choose another key.");
        }
    }

    private static List<CustomFieldChoice> CheckChoices(FieldErrors errors, string? type, IReadOnlyList<CustomFieldChoice>? given)
    {
        if (type is null || !CustomFieldTypes.HasChoices(type))
        {
            if (given is { Count: > 0 })
            {
                errors.Add("choices", "Only select and multi-select fields have choices.");
            }

            return [];
        }

        var choices = new List<CustomFieldChoice>();
        foreach (var choice in given ?? [])
        {
            var value = choice?.Value?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                errors.Add("choices", "A choice cannot be empty.");
            }
            else if (value.Length > CustomField.ChoiceMaxLength || value.Contains(',', StringComparison.Ordinal) || value.Any(char.IsControl))
            {
                errors.Add("choices", $"A choice is at most {CustomField.ChoiceMaxLength} characters on one line, without commas: '{Bound(value)}' is not.");
            }
            else if (choices.Any(c => string.Equals(c.Value, value, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add("choices", $"The choice '{value}' is given twice.");
            }
            else
            {
                choices.Add(new CustomFieldChoice(value, choice!.Retired));
            }
        }

        if (choices.Count > CustomField.MaxChoices)
        {
            errors.Add("choices", $"A field has at most {CustomField.MaxChoices} choices.");
        }
        else if (!choices.Any(c => !c.Retired))
        {
            errors.Add("choices", "A select needs at least one choice that is not retired.");
        }

        return choices;
    }

    private static string Bound(string text) => text.Length <= 40 ? text : text[..39] + "…";
}
