using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.CustomFields;
using Crm.Tests.Records;

namespace Crm.Tests.CustomFields;

/// <summary>One app for a custom fields test class: each test adds fields under keys of its own.</summary>
public class CustomFieldsApp : CrmApp
{
    /// <summary>A record of <paramref name="module"/> named <paramref name="name"/>, owned by <paramref name="owner"/>: the table of modules' one way to make one.</summary>
    public async Task<int> RecordAsync(string module, string name, Guid owner) => module switch
    {
        "companies" => await CompanyKit.CompanyAsync(this, name, owner, null),
        "contacts" => await CompanyKit.ContactAsync(this, "Ann", name, null, owner, null),
        "leads" => await ObjectKit.LeadAsync(this, "Ann", name, null, owner, null),
        "deals" => await ObjectKit.DealAsync(this, name, owner, null),
        "products" => await ObjectKit.ProductAsync(this, "P-" + Guid.NewGuid().ToString("N")[..8], name, owner, null),
        "tasks" => await LinkedRecordWorld.TaskAsync(this, name, owner, null),
        "memos" => await LinkedRecordWorld.MemoAsync(this, name, owner, (await CreateUserAsync($"cf-{Guid.NewGuid():N}@example.com", CompanyKit.Password)).Id, null, null, null),
        _ => throw new ArgumentOutOfRangeException(nameof(module), module, null),
    };

    /// <summary>
    /// Adds field <paramref name="key"/> to <paramref name="module"/> through the API as an administrator
    /// would (a select or multi-select with the table's industries as choices); its ID.
    /// </summary>
    public static async Task<int> FieldAsync(PageClient admin, string module, string key, string type, bool adminOnly = false)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["module"] = module, ["key"] = key, ["label"] = "Field " + key, ["type"] = type, ["adminOnly"] = adminOnly,
            ["choices"] = CustomFieldTypes.HasChoices(type) ? CustomFieldTable.Industries.Select(c => new { value = c.Value, retired = c.Retired }) : null,
        });
        var response = await admin.PostJsonAsync("/api/v1/custom-fields", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    /// <summary>Gives record <paramref name="recordId"/> a value of field <paramref name="fieldId"/> straight in the value table (what a save would store).</summary>
    public Task<int> HoldAsync(string module, int fieldId, int recordId, string text, double? number = null, DateTime? date = null) => InDatabaseAsync(db =>
    {
        db.Set<CustomFieldValue>().Add(new CustomFieldValue { Module = module, FieldId = fieldId, RecordId = recordId, TextValue = text, NumberValue = number, DateValue = date });
        return db.SaveChangesAsync();
    });
}
