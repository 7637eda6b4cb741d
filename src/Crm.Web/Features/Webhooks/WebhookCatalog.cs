using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

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

    /// <summary>Sent by an automation rule's "call-webhook" action (<c>leads.automation</c>), not subscribed to: the rule names the endpoint.</summary>
    public const string Automation = "automation";

    /// <summary>Events every module has.</summary>
    public static readonly IReadOnlyList<string> CommonEvents = [Created, Updated, Deleted];

    /// <summary>Events beyond the common ones, by module; the modules and their reads are <see cref="ReadableModules"/>.</summary>
    private static readonly Dictionary<string, string[]> s_moduleEvents = new(StringComparer.Ordinal)
    {
        [CrmModules.Companies.Key] = [Transferred],
        [CrmModules.Contacts.Key] = [Transferred],
        [CrmModules.Leads.Key] = [Transferred, Converted],
        [CrmModules.Deals.Key] = [Transferred],
        [CrmModules.Products.Key] = [],
        [CrmModules.Tasks.Key] = [Transferred],
        [CrmModules.Memos.Key] = [Reviewed],
    };

    public static readonly IReadOnlyList<WebhookModule> Modules =
    [
        .. ReadableModules.All.Select(m => new WebhookModule(m.Key, m.Title, s_moduleEvents.GetValueOrDefault(m.Key, []),
            async (services, actor, id, cancellationToken) => (await m.Read(services, actor, id, cancellationToken))?.Answer)),
    ];

    /// <summary>Every event name some module has, in the order forms list them.</summary>
    public static readonly IReadOnlyList<string> AllEvents = [.. CommonEvents, Transferred, Converted, Reviewed];

    public static WebhookModule? Find(string key) => Modules.FirstOrDefault(m => m.Key == key);

    public static bool Has(WebhookModule module, string eventName) => CommonEvents.Contains(eventName) || module.ModuleEvents.Contains(eventName);
}
