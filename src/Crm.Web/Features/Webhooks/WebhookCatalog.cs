using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Leads;
using Crm.Web.Features.Memos;
using Crm.Web.Features.Products;
using Crm.Web.Features.Tasks;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// A module webhooks can report on: its key, the events it has beyond the common ones, and how its
/// record is read for a payload: through the module's own read use case, as the API's GET answers it.
/// </summary>
public sealed record WebhookModule(string Key, string Title, IReadOnlyList<string> ModuleEvents,
    Func<IServiceProvider, Actor, int, CancellationToken, Task<object?>> Read);

/// <summary>The modules and events an endpoint may subscribe to.</summary>
public static class WebhookCatalog
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    public const string Transferred = "transferred";
    public const string Converted = "converted";
    public const string Reviewed = "reviewed";
    public const string TestEvent = "webhook.test";

    /// <summary>Events every module has.</summary>
    public static readonly IReadOnlyList<string> CommonEvents = [Created, Updated, Deleted];

    public static readonly IReadOnlyList<WebhookModule> Modules =
    [
        new(CrmModules.Companies.Key, "Companies", [Transferred], (s, a, id, ct) => Answer(s.GetRequiredService<ReadCompany>().RunAsync(a, id, ct), v => v.Company)),
        new(CrmModules.Contacts.Key, "Contacts", [Transferred], (s, a, id, ct) => Answer(s.GetRequiredService<ReadContact>().RunAsync(a, id, ct), v => v.Record)),
        new(CrmModules.Leads.Key, "Leads", [Transferred, Converted], (s, a, id, ct) => Answer(s.GetRequiredService<ReadLead>().RunAsync(a, id, ct), v => v.Lead)),
        new(CrmModules.Deals.Key, "Deals", [Transferred], (s, a, id, ct) => Answer(s.GetRequiredService<ReadDeal>().RunAsync(a, id, ct), v => v.Deal)),
        new(CrmModules.Products.Key, "Products", [], (s, a, id, ct) => Answer(s.GetRequiredService<ReadProduct>().RunAsync(a, id, ct), v => v.Record)),
        new(CrmModules.Tasks.Key, "Tasks", [Transferred], (s, a, id, ct) => Answer(s.GetRequiredService<ReadTask>().RunAsync(a, id, ct), v => new TaskAnswer(v.Task, v.SubTasks))),
        new(CrmModules.Memos.Key, "Memos", [Reviewed], (s, a, id, ct) => Answer(s.GetRequiredService<ReadMemo>().RunAsync(a, id, ct), v => new MemoAnswer(v.Memo, v.Can, v.Tasks))),
    ];

    /// <summary>Every event name some module has, in the order forms list them.</summary>
    public static readonly IReadOnlyList<string> AllEvents = [.. CommonEvents, Transferred, Converted, Reviewed];

    public static WebhookModule? Find(string key) => Modules.FirstOrDefault(m => m.Key == key);

    public static bool Has(WebhookModule module, string eventName) => CommonEvents.Contains(eventName) || module.ModuleEvents.Contains(eventName);

    /// <summary>The record as the GET of <c>/api/v1/{module}/{id}</c> answers it; null when the actor may not see it (or it is gone).</summary>
    private static async Task<object?> Answer<T>(Task<Result<T>> read, Func<T, object> answer)
    {
        var result = await read;
        return result.IsOk ? answer(result.Value) : null;
    }
}
