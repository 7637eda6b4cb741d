using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Leads;
using Crm.Web.Features.Memos;
using Crm.Web.Features.Products;
using Crm.Web.Features.Tasks;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Automation;

/// <summary>A record a scheduled rule visits: its ID and label.</summary>
public sealed record ScheduledRecord(int Id, string Label);

/// <summary>
/// A module a scheduled rule can run over: <see cref="After"/> gives its next records by ID after
/// one (a keyset batch on the primary key), so a pass over a million contacts never loads them all.
/// </summary>
public sealed record ScheduleModule(string Module, Func<CrmDb, int, int, CancellationToken, Task<List<ScheduledRecord>>> After);

/// <summary>The one list of modules a rule can be scheduled over; a later module (invoices) joins with its line here.</summary>
public static class ScheduleTriggers
{
    public static readonly IReadOnlyList<ScheduleModule> All =
    [
        Of<Company>(CrmModules.Companies),
        Of<Contact>(CrmModules.Contacts),
        Of<Lead>(CrmModules.Leads),
        Of<Deal>(CrmModules.Deals),
        Of<Product>(CrmModules.Products),
        Of<CrmTask>(CrmModules.Tasks),
        Of<Memo>(CrmModules.Memos),
    ];

    public static ScheduleModule? Find(string? module) => All.FirstOrDefault(m => m.Module == module);

    /// <summary>"Every day at 08:00", the trigger in words.</summary>
    public static string Describe(TimeOnly? time) => $"every day at {time ?? TimeOnly.MinValue:HH:mm} in the organisation's time zone";

    // The label is the entity's own (not a column): a batch's rows are read whole, untracked.
    private static ScheduleModule Of<T>(ModuleDefinition module)
        where T : OwnedRecord =>
        new(module.Key, async (db, after, take, cancellationToken) =>
            [.. (await db.Set<T>().AsNoTracking().Where(r => r.Id > after).OrderBy(r => r.Id).Take(take).ToListAsync(cancellationToken))
                .Select(r => new ScheduledRecord(r.Id, r.Label))]);
}

/// <summary>
/// The records a scheduled rule visits, one keyset batch at a time: those of its module its
/// automation user may view (the module's own row filter, <see cref="RecordLookups"/>) on which it
/// has not fired yet for the day. The job (<see cref="FireScheduledRules"/>) and the preview
/// (<see cref="PreviewDateRule"/>) both walk them here and evaluate each with <see cref="EvaluateRule"/>.
/// </summary>
public sealed class ScheduleSweep(CrmDb db, RecordLookups lookups)
{
    public const int Batch = 500;

    /// <summary>One batch after <paramref name="after"/>; <c>Next</c> is where the next starts, null when the module has no more records.</summary>
    public async Task<(IReadOnlyList<ScheduledRecord> Records, int? Next)> BatchAsync(AutomationRule rule, Actor user, DateOnly day, int after, CancellationToken cancellationToken)
    {
        if (ScheduleTriggers.Find(rule.Module) is not { } module)
        {
            return ([], null);
        }

        var rows = await module.After(db, after, Batch, cancellationToken);
        if (rows.Count == 0)
        {
            return ([], null);
        }

        var ids = rows.Select(r => r.Id).ToList();
        var visible = await lookups.PermittedAsync(user, rule.Module, PermissionAction.View, ids, cancellationToken);
        var fired = (await db.Set<AutomationOccurrence>().AsNoTracking()
            .Where(o => o.RuleId == rule.Id && o.FieldDate == day && ids.Contains(o.RecordId)).Select(o => o.RecordId).ToListAsync(cancellationToken)).ToHashSet();
        return ([.. rows.Where(r => visible.Contains(r.Id) && !fired.Contains(r.Id))], rows.Count < Batch ? null : rows[^1].Id);
    }
}
