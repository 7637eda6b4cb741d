using Crm.Tests.Infrastructure;
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
}
