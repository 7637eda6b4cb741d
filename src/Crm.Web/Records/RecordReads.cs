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

namespace Crm.Web.Records;

/// <summary>
/// A record as its module's read use case gives it to one user: <see cref="Answer"/> is what the
/// API's GET answers (a task with its sub-tasks), <see cref="Details"/> the record itself in it.
/// </summary>
public sealed record ReadRecord(object Answer, object Details);

/// <summary>
/// A module whose records other features read on a user's behalf (webhook payloads, automation
/// rules): through the module's own read use case, so a record the user may not see is null and a
/// field their role hides is empty. <see cref="Details"/> is the record's type: its properties are
/// the module's fields (<see cref="RecordFields"/>).
/// </summary>
public sealed record ReadableModule(string Key, string Title, Type Details, Func<IServiceProvider, Actor, int, CancellationToken, Task<ReadRecord?>> Read);

/// <summary>The one list of readable modules; a later module (tickets, invoices) joins by adding its line here.</summary>
public static class ReadableModules
{
    public static readonly IReadOnlyList<ReadableModule> All =
    [
        Of<CompanyView, CompanyDetails>(CrmModules.Companies, (s, a, id, ct) => s.GetRequiredService<ReadCompany>().RunAsync(a, id, ct), v => v.Company, v => v.Company),
        Of<RecordView<ContactDetails>, ContactDetails>(CrmModules.Contacts, (s, a, id, ct) => s.GetRequiredService<ReadContact>().RunAsync(a, id, ct), v => v.Record, v => v.Record),
        Of<LeadView, LeadDetails>(CrmModules.Leads, (s, a, id, ct) => s.GetRequiredService<ReadLead>().RunAsync(a, id, ct), v => v.Lead, v => v.Lead),
        Of<DealView, DealDetails>(CrmModules.Deals, (s, a, id, ct) => s.GetRequiredService<ReadDeal>().RunAsync(a, id, ct), v => v.Deal, v => v.Deal),
        Of<RecordView<ProductDetails>, ProductDetails>(CrmModules.Products, (s, a, id, ct) => s.GetRequiredService<ReadProduct>().RunAsync(a, id, ct), v => v.Record, v => v.Record),
        Of<TaskView, TaskDetails>(CrmModules.Tasks, (s, a, id, ct) => s.GetRequiredService<ReadTask>().RunAsync(a, id, ct), v => new TaskAnswer(v.Task, v.SubTasks), v => v.Task),
        Of<MemoView, MemoDetails>(CrmModules.Memos, (s, a, id, ct) => s.GetRequiredService<ReadMemo>().RunAsync(a, id, ct), v => new MemoAnswer(v.Memo, v.Can, v.Tasks), v => v.Memo),
    ];

    public static ReadableModule? Find(string key) => All.FirstOrDefault(m => m.Key == key);

    private static ReadableModule Of<TView, TDetails>(
        ModuleDefinition module, Func<IServiceProvider, Actor, int, CancellationToken, Task<Result<TView>>> read, Func<TView, object> answer, Func<TView, TDetails> details)
        where TDetails : notnull =>
        new(module.Key, module.Title, typeof(TDetails), async (services, actor, id, cancellationToken) =>
        {
            var result = await read(services, actor, id, cancellationToken);
            return result.IsOk ? new ReadRecord(answer(result.Value), details(result.Value)) : null;
        });
}
