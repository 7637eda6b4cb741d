using System.Globalization;
using System.Reflection;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.WhatIf;

/// <summary>
/// "What if": the difference a permission change would make, for every active user, computed by
/// running the change's own save use case inside a transaction that is rolled back. Each screen
/// (role grants and field rules, a user's role, a group's members or grants, a user's overrides,
/// the organisation defaults) hands over its save as a delegate; nothing here knows which one it is,
/// so the validation, the messages and the effect are exactly the save's.
/// </summary>
/// <remarks>
/// Every user's permission subject is loaded before and inside the transaction by the same loader
/// the requests use. For each user whose subject differs, every module's decisions are compared
/// action by action, and the records they may view are read through the module's own lookup (the
/// real row filter, shares, sharing rules and record rules included) before the change, in a
/// fresh scope, and inside the transaction: the difference is what they would see. Above
/// <see cref="DefaultSampleSize"/> records in a module (<c>WhatIf:SampleSize</c>), the newest
/// ones are examined and the answer says so.
/// </remarks>
public sealed class PermissionWhatIf(CrmDb db, IServiceScopeFactory scopes, PermissionEngine engine, ActivityLog activity, IConfiguration configuration)
{
    /// <summary>The most records of one module examined per user; above it the count is on the newest ones.</summary>
    public const int DefaultSampleSize = 100_000;

    private int SampleSize => Math.Max(1, configuration.GetValue("WhatIf:SampleSize", DefaultSampleSize));

    /// <summary>The activity log's summary column holds 1,000 characters.</summary>
    private const int EntryLength = 1000;

    private static readonly MethodInfo s_sample = typeof(PermissionWhatIf).GetMethod(nameof(SampleOfAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// Runs <paramref name="save"/> (resolved from the provider it is given, which shares the
    /// transaction) and answers who would gain and lose what; nothing is kept but the activity
    /// log's entry saying the preview was asked for. A save that refuses (bad input, forbidden, not
    /// found) is answered as the save answers, and then nothing is logged.
    /// </summary>
    /// <param name="actor">The administrator asking.</param>
    /// <param name="change">What is previewed, for the activity log and the page ("permissions of role Sales agent").</param>
    /// <param name="save">The change's own save use case, resolved from the provider given (whose database holds the transaction).</param>
    /// <param name="cancellationToken">Cancels the preview (the transaction is rolled back).</param>
    public async Task<Result<WhatIfPreview>> RunAsync(Actor actor, string change, Func<IServiceProvider, CancellationToken, Task<Result>> save, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<WhatIfPreview>.Forbidden("Only administrators change permissions, and so preview their changes.");
        }

        var users = await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.FullName).ThenBy(u => u.Id)
            .Select(u => new UserRow(u.Id, string.IsNullOrWhiteSpace(u.FullName) ? u.Email ?? "" : u.FullName, u.IsAdministrator))
            .ToListAsync(cancellationToken);
        var modules = engine.Catalog.Modules;

        // Inside: the change applied, in a transaction nobody else sees and that is never committed.
        Dictionary<Guid, PermissionSubject> before, after;
        Dictionary<(Guid, string), IReadOnlySet<int>> visibleAfter = [];
        Dictionary<string, ModuleSample> samples = [];
        List<UserRow> changed;
        await using (var inside = scopes.CreateAsyncScope())
        {
            var insideDb = inside.ServiceProvider.GetRequiredService<CrmDb>();
            before = await SubjectsAsync(insideDb, users, cancellationToken);
            await using var transaction = await insideDb.Database.BeginTransactionAsync(cancellationToken);
            var saved = await save(inside.ServiceProvider, cancellationToken);
            if (!saved.IsOk)
            {
                await transaction.RollbackAsync(cancellationToken);
                return saved.Map<WhatIfPreview>();
            }

            after = await SubjectsAsync(insideDb, users, cancellationToken);
            changed = [.. users.Where(u => before.ContainsKey(u.Id) && after.ContainsKey(u.Id) && Fingerprint(before[u.Id]) != Fingerprint(after[u.Id]))];
            if (changed.Count > 0)
            {
                var lookups = inside.ServiceProvider.GetRequiredService<RecordLookups>();
                if (!AuditNames.KnowsModules)
                {
                    AuditNames.LearnModules(lookups.All);
                }

                foreach (var module in modules)
                {
                    if (lookups.Of(module.Key) is not null && AuditNames.TypeOfModule(module.Key) is { } type)
                    {
                        samples[module.Key] = await SampleAsync(insideDb, type, SampleSize, cancellationToken);
                    }
                }

                await VisibleAsync(lookups, changed, samples, visibleAfter, cancellationToken);
            }

            await transaction.RollbackAsync(cancellationToken);
        }

        // Before: the same reads in a fresh scope, on what is committed.
        Dictionary<(Guid, string), IReadOnlySet<int>> visibleBefore = [];
        if (changed.Count > 0)
        {
            await using var outside = scopes.CreateAsyncScope();
            await VisibleAsync(outside.ServiceProvider.GetRequiredService<RecordLookups>(), changed, samples, visibleBefore, cancellationToken);
        }

        var impacts = new List<UserImpact>();
        foreach (var user in changed)
        {
            var impact = Compare(user, before[user.Id], after[user.Id], modules, samples, visibleBefore, visibleAfter);
            if (impact.Rights.Count > 0 || impact.Fields.Count > 0 || impact.Records.Count > 0)
            {
                impacts.Add(impact);
            }
        }

        var preview = new WhatIfPreview(change, impacts, users.Count,
            [.. samples.Where(s => s.Value.Sampled).Select(s => new SampledModule(s.Key, engine.Catalog[s.Key].Title, s.Value.Total, s.Value.Ids.Count))]);
        var entry = $"Previewed a permission change ({change}): {preview.Summary}";
        activity.Record(actor, ActivityKinds.AccessExplained, entry.Length <= EntryLength ? entry : entry[..(EntryLength - 1)] + "…");
        await db.SaveChangesAsync(cancellationToken);
        return Result<WhatIfPreview>.Ok(preview);
    }

    private sealed record UserRow(Guid Id, string Name, bool IsAdministrator);

    private sealed record ModuleSample(List<int> Ids, int Total)
    {
        public bool Sampled => Total > Ids.Count;
    }

    /// <summary>Every user's subject, loaded as requests load it but with a cache of its own, so nothing read inside the transaction outlives it.</summary>
    private static async Task<Dictionary<Guid, PermissionSubject>> SubjectsAsync(CrmDb source, IReadOnlyList<UserRow> users, CancellationToken cancellationToken)
    {
        var loader = new PermissionSubjects(source, new PermissionSubjectCache(), new RequestPermissionStamp());
        var subjects = new Dictionary<Guid, PermissionSubject>();
        foreach (var user in users)
        {
            if (await loader.LoadAsync(user.Id, cancellationToken) is { } subject)
            {
                subjects[user.Id] = subject;
            }
        }

        return subjects;
    }

    /// <summary>Everything a decision or a row filter reads from a subject, as one comparable text (names left out: renaming changes no right).</summary>
    private static string Fingerprint(PermissionSubject s)
    {
        static string Join<T>(IEnumerable<T> items) => string.Join(",", items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
        return string.Join("|",
            s.IsAdministrator, s.RoleId, Join(s.DepartmentIds), Join(s.SubordinateUserIds), Join(s.GroupIds), Join(s.RolesAbove),
            Join(s.RoleGrants.Select(g => $"{g.Module}/{g.Action}/{g.Scope}")),
            Join(s.GroupGrants.Select(g => $"{g.Module}/{g.Action}/{g.Scope}")),
            Join(s.Overrides.Select(g => $"{g.Module}/{g.Action}/{g.Scope}")),
            Join(s.FieldRules.Select(f => $"{f.Module}/{f.Field}/{f.Access}")),
            Join(s.OrganisationDefaults.Select(d => $"{d.Key}/{d.Value}")),
            Join(s.RuleShares.Select(r => $"{r.Module}/{r.Access}/{Join(r.OwnerIds)}")));
    }

    private static async Task<ModuleSample> SampleAsync(CrmDb source, Type type, int size, CancellationToken cancellationToken) =>
        await (Task<ModuleSample>)s_sample.MakeGenericMethod(type).Invoke(null, [source, size, cancellationToken])!;

    private static async Task<ModuleSample> SampleOfAsync<T>(CrmDb source, int size, CancellationToken cancellationToken)
        where T : class
    {
        var records = source.Set<T>().AsNoTracking();
        var total = await records.CountAsync(cancellationToken);
        // Newest first: the primary key reads them in order, and the newest records are the ones people work on.
        var ids = await records.Select(r => EF.Property<int>(r, "Id")).OrderByDescending(id => id).Take(size).ToListAsync(cancellationToken);
        return new ModuleSample(ids, total);
    }

    /// <summary>Which sampled records each user may view, asked of each module's own lookup as their requests ask it.</summary>
    private static async Task VisibleAsync(RecordLookups lookups, IReadOnlyList<UserRow> users, IReadOnlyDictionary<string, ModuleSample> samples,
        Dictionary<(Guid, string), IReadOnlySet<int>> into, CancellationToken cancellationToken)
    {
        foreach (var user in users)
        {
            var who = new Actor(ActorKind.User, user.Id, user.IsAdministrator, user.Name);
            foreach (var (module, sample) in samples)
            {
                into[(user.Id, module)] = sample.Ids.Count == 0 ? new HashSet<int>() : await lookups.Of(module)!.PermittedAsync(who, PermissionAction.View, sample.Ids, cancellationToken);
            }
        }
    }

    private UserImpact Compare(UserRow user, PermissionSubject old, PermissionSubject now, IReadOnlyList<ModuleDefinition> modules, IReadOnlyDictionary<string, ModuleSample> samples,
        Dictionary<(Guid, string), IReadOnlySet<int>> visibleBefore, Dictionary<(Guid, string), IReadOnlySet<int>> visibleAfter)
    {
        var rights = new List<RightChange>();
        var fields = new List<FieldChange>();
        var records = new List<RecordChange>();
        foreach (var module in modules)
        {
            foreach (var action in module.Actions)
            {
                var (was, will) = (Describe(engine.Decide(old, module.Key, action)), Describe(engine.Decide(now, module.Key, action)));
                if (was != will)
                {
                    rights.Add(new RightChange(module.Key, module.Title, action, was, will));
                }
            }

            var (oldFields, newFields) = (engine.Fields(old, module.Key), engine.Fields(now, module.Key));
            // The sensitive built-in fields, and the custom fields a rule before or after names.
            var ruled = old.FieldRules.Concat(now.FieldRules).Where(r => r.Module == module.Key).Select(r => r.Field);
            foreach (var field in module.SensitiveFields.Union(ruled, StringComparer.Ordinal))
            {
                var (was, will) = (Describe(oldFields, field), Describe(newFields, field));
                if (was != will)
                {
                    fields.Add(new FieldChange(module.Key, module.Title, field, was, will));
                }
            }

            if (samples.TryGetValue(module.Key, out var sample))
            {
                var (seen, seeing) = (visibleBefore[(user.Id, module.Key)], visibleAfter[(user.Id, module.Key)]);
                var gained = seeing.Count(id => !seen.Contains(id));
                var lost = seen.Count(id => !seeing.Contains(id));
                if (gained > 0 || lost > 0)
                {
                    records.Add(new RecordChange(module.Key, module.Title, gained, lost, seen.Count, seeing.Count, sample.Sampled));
                }
            }
        }

        return new UserImpact(user.Id, user.Name, rights, fields, records);
    }

    private static string Describe(PermissionDecision decision) => decision.Allowed ? decision.Scope.ToString() : Scope.None.ToString();

    private static string Describe(FieldPermissions fields, string field) =>
        !fields.CanSee(field) ? "hidden" : fields.CanEdit(field) ? "editable" : "read-only";
}
