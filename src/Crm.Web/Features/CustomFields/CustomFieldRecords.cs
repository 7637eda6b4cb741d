using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.CustomFields;

/// <summary>
/// The records of a module as a whole, for what a definition change does to all of them at once:
/// how many lack a value of a field, and giving them the default in one statement. The module's
/// table comes from the registered lookups and the EF model, so a later module needs nothing here.
/// </summary>
public sealed class CustomFieldRecords(CrmDb db, IEnumerable<IRecordLookup> lookups)
{
    /// <summary>How many records of <paramref name="module"/> have no value of field <paramref name="fieldId"/> (all of them for a new field).</summary>
    public async Task<int> CountLackingAsync(string module, int? fieldId, CancellationToken cancellationToken)
    {
        if (TableOf(module) is not { } table)
        {
            return 0;
        }

        // The table's name comes from the EF model, never from input; the field's ID is a parameter.
        var sql = "SELECT COUNT(*) AS \"Value\" FROM \"" + table + "\" r WHERE NOT EXISTS "
            + "(SELECT 1 FROM \"CustomFieldValues\" v WHERE v.\"FieldId\" = {0} AND v.\"RecordId\" = r.\"Id\")";
        return await db.Database.SqlQueryRaw<int>(sql, fieldId ?? 0).SingleAsync(cancellationToken);
    }

    /// <summary>Gives every record of the field's module without a value the <paramref name="value"/>, in the caller's transaction.</summary>
    public async Task<int> FillAsync(CustomField field, StoredValue value, CancellationToken cancellationToken)
    {
        if (TableOf(field.Module) is not { } table)
        {
            return 0;
        }

        // Only the columns the value has: a null parameter has no type PostgreSQL can infer in a SELECT list.
        var columns = new List<string> { "\"Module\"", "\"RecordId\"", "\"FieldId\"" };
        var selected = new List<string> { "{0}", "r.\"Id\"", "{1}" };
        var parameters = new List<object> { field.Module, field.Id };
        void Add(string column, object? parameter)
        {
            if (parameter is not null)
            {
                columns.Add($"\"{column}\"");
                selected.Add($"{{{parameters.Count}}}");
                parameters.Add(parameter);
            }
        }

        Add(nameof(CustomFieldValue.TextValue), value.Text);
        Add(nameof(CustomFieldValue.LongTextValue), value.LongText);
        Add(nameof(CustomFieldValue.NumberValue), value.Number);
        Add(nameof(CustomFieldValue.DateValue), value.Date);
        var sql = $"INSERT INTO \"CustomFieldValues\" ({string.Join(", ", columns)}) SELECT {string.Join(", ", selected)} FROM \"{table}\" r "
            + "WHERE NOT EXISTS (SELECT 1 FROM \"CustomFieldValues\" v WHERE v.\"FieldId\" = {1} AND v.\"RecordId\" = r.\"Id\")";
        return await db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
    }

    private string? TableOf(string module)
    {
        if (!AuditNames.KnowsModules)
        {
            AuditNames.LearnModules(lookups);
        }

        return AuditNames.TypeOfModule(module) is { } type ? db.Model.FindEntityType(type)?.GetTableName() : null;
    }
}
