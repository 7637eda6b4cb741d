using System.Collections.Frozen;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Records;

/// <summary>A record as other features point at it: its module, its ID, how it is named and where its page is.</summary>
public sealed record RecordLink(string Module, int Id, string Label, string Url);

/// <summary>A save's link field after <see cref="RecordLookups.ChooseAsync(Actor, ValueTuple{string?, int?}, ValueTuple{string?, int?}, CancellationToken)"/>: the link to store, or refused as naming no record the actor may see.</summary>
public sealed record LinkChoice(string? Module, int? Id, bool Refused);

/// <summary>
/// How a CRM module answers the global search and the links other records make to it (a task
/// "about" a deal, a file attached to a company). Each object feature registers one. Every answer
/// is already filtered by the actor's view permission: a record they may not see is never found.
/// </summary>
public interface IRecordLookup
{
    /// <summary>The module key (<c>CrmModules.X.Key</c>).</summary>
    string ModuleKey { get; }

    /// <summary>The module's name in the plural, as section and search headings show it.</summary>
    string Title { get; }

    /// <summary>The record with this ID if it exists and the actor may view it; else null.</summary>
    Task<RecordLink?> FindAsync(Actor actor, int id, CancellationToken cancellationToken);

    /// <summary>
    /// The label of the record with this ID if it exists and the actor may view it, as a query that
    /// another one can embed: history reads it in the same statement as the entries. Null where the
    /// module decides visibility outside SQL (files); the caller then asks <see cref="FindAsync"/>.
    /// </summary>
    Task<IQueryable<string>?> VisibleLabelAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        Task.FromResult<IQueryable<string>?>(null);

    /// <summary>The page of the record with this ID (the address <see cref="FindAsync"/> puts in its link).</summary>
    string PageOf(int id);

    /// <summary>Up to <paramref name="limit"/> records the actor may view whose main text matches <paramref name="text"/>.</summary>
    Task<IReadOnlyList<RecordLink>> SearchAsync(Actor actor, string text, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Which of <paramref name="ids"/> exist and the actor may both view and <paramref name="action"/>
    /// (edit, delete) under the module's own rules. Whatever reaches a record through another one (a
    /// transfer's contacts, a delete's dependents) asks this first: the rule for linked records.
    /// </summary>
    Task<IReadOnlySet<int>> PermittedAsync(Actor actor, string action, IReadOnlyCollection<int> ids, CancellationToken cancellationToken);

    /// <summary>The fields of the module's records that hold another record's id: history shows them only to who may see that record.</summary>
    IReadOnlyList<LinkField> LinkFields => [];

    /// <summary>The record's owner and department, unfiltered (the caller has checked the actor may see it); null if there is no such record. Sharing asks it.</summary>
    Task<RecordOwnership?> OwnershipAsync(int id, CancellationToken cancellationToken);
}

/// <summary>Who owns a record and the department it belongs to: what shares and sharing rules are decided on.</summary>
public sealed record RecordOwnership(Guid OwnerId, int? DepartmentId);

/// <summary>The linked fields of a module's records: <see cref="Field"/> holds the id of a record of <see cref="Module"/>, or of the module named by the field <see cref="ModuleField"/>.</summary>
public sealed record LinkField(string Field, string? Module, string? ModuleField = null);

/// <summary>
/// Records of one module that hang on records of another and are deleted with them (a memo's
/// tasks, a record's file objects). The delete confirmation of any module lists them through
/// <see cref="RecordDependents"/>, and its delete removes exactly those in its transaction.
/// </summary>
public interface IRecordDependents
{
    /// <summary>The module of the dependent records this registration lists and removes.</summary>
    string ModuleKey { get; }

    /// <summary>This module's records that hang on <paramref name="parentIds"/> of <paramref name="parentModule"/> (labels unfiltered: the caller decides what to name).</summary>
    Task<IReadOnlyList<RecordLink>> OfAsync(string parentModule, IReadOnlyCollection<int> parentIds, CancellationToken cancellationToken);

    /// <summary>Removes these records of <see cref="ModuleKey"/> within the caller's transaction (tracked deletes, so history records them).</summary>
    Task RemoveAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken);

    /// <summary>Work that may only happen once the removal committed (stored file content no longer referenced); nothing by default.</summary>
    Task AfterCommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Every module's lookups, by module key. Built when asked for: most requests concern one module
/// (a history, a link), and building every module's lookup with its dependencies for each of them
/// was measurable on a history read.
/// </summary>
public sealed class RecordLookups(IServiceProvider services, RecordLookupTypes types)
{
    private IReadOnlyList<IRecordLookup>? _all;

    public IReadOnlyList<IRecordLookup> All => _all ??= [.. services.GetServices<IRecordLookup>()];

    public IRecordLookup? Of(string module) =>
        types.Of(module, () => All) is { } type ? (IRecordLookup)services.GetRequiredService(type) : null;

    /// <summary>The linked record if its module is known, it exists and the actor may view it.</summary>
    public async Task<RecordLink?> FindAsync(Actor actor, string module, int id, CancellationToken cancellationToken) =>
        Of(module) is { } lookup ? await lookup.FindAsync(actor, id, cancellationToken) : null;

    /// <summary>Which of these records of <paramref name="module"/> the actor may view and <paramref name="action"/>; none of an unknown module.</summary>
    public async Task<IReadOnlySet<int>> PermittedAsync(Actor actor, string module, string action, IReadOnlyCollection<int> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 || Of(module) is not { } lookup ? new HashSet<int>() : await lookup.PermittedAsync(actor, action, ids, cancellationToken);

    /// <summary>
    /// A list filter naming a linked record (contacts of company 12): the id if the actor may view
    /// that record, else an id no record has, so a hidden record filters exactly as a missing one.
    /// </summary>
    public async Task<int?> VisibleFilterAsync(Actor actor, string module, int? id, CancellationToken cancellationToken) =>
        id is not { } wanted ? null : await FindAsync(actor, module, wanted, cancellationToken) is not null ? wanted : NoRecord;

    /// <summary>
    /// Of the links a page of records carries (a task's related record, an email's), those the actor
    /// may view now, asked once per module: the others are shown as hidden, as each record's own read does.
    /// </summary>
    public async Task<IReadOnlySet<(string Module, int Id)>> VisibleAsync(Actor actor, IEnumerable<(string? Module, int? Id)> links, CancellationToken cancellationToken)
    {
        var visible = new HashSet<(string, int)>();
        foreach (var group in links.Where(l => l.Module is not null && l.Id is not null).GroupBy(l => l.Module!, l => l.Id!.Value))
        {
            foreach (var id in await PermittedAsync(actor, group.Key, PermissionAction.View, [.. group.Distinct()], cancellationToken))
            {
                visible.Add((group.Key, id));
            }
        }

        return visible;
    }

    /// <summary>
    /// What a save does with a link field it was given (a contact's company, a task's related
    /// record). A given record must be one the actor may view, even if it is the current link:
    /// naming a hidden record is answered as naming one that does not exist. An empty value keeps a
    /// current link the actor may not view, because the actor's read showed it empty and the form or
    /// PATCH body only sent back what it read; an empty value clears a link the actor can see.
    /// </summary>
    public async Task<LinkChoice> ChooseAsync(Actor actor, (string? Module, int? Id) given, (string? Module, int? Id) current, CancellationToken cancellationToken)
    {
        if (given.Id is { } id)
        {
            var exists = given.Module is not null && await FindAsync(actor, given.Module, id, cancellationToken) is not null;
            return new(given.Module, id, Refused: !exists);
        }

        if (current is { Module: { } module, Id: { } linked } && await FindAsync(actor, module, linked, cancellationToken) is null)
        {
            return new(module, linked, Refused: false);
        }

        return new(given.Module, null, Refused: false);
    }

    /// <summary>The choice for a field that always names a record of one module.</summary>
    public Task<LinkChoice> ChooseAsync(Actor actor, string module, int? given, int? current, CancellationToken cancellationToken) =>
        ChooseAsync(actor, (module, given), (module, current), cancellationToken);

    /// <summary>An id no record has (keys start at 1).</summary>
    public const int NoRecord = 0;
}

/// <summary>Which lookup class answers for which module key, learnt once from the registered lookups.</summary>
public sealed class RecordLookupTypes
{
    private FrozenDictionary<string, Type>? _byModule;

    public Type? Of(string module, Func<IEnumerable<IRecordLookup>> registered)
    {
        _byModule ??= registered().ToFrozenDictionary(l => l.ModuleKey, l => l.GetType(), StringComparer.Ordinal);
        return _byModule.GetValueOrDefault(module);
    }
}

/// <summary>
/// Follows <see cref="IRecordDependents"/> registrations transitively: deleting a memo takes its
/// tasks, and the tasks take their file objects.
/// </summary>
public sealed class RecordDependents(IEnumerable<IRecordDependents> registrations)
{
    private readonly IReadOnlyList<IRecordDependents> _all = [.. registrations];

    /// <summary>Everything that goes with <paramref name="ids"/> of <paramref name="module"/>, nearest first.</summary>
    public async Task<IReadOnlyList<RecordLink>> OfAsync(string module, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var found = new List<RecordLink>();
        var seen = new HashSet<(string, int)>();
        var frontier = new List<(string Module, IReadOnlyCollection<int> Ids)> { (module, ids) };
        while (frontier.Count > 0)
        {
            var next = new List<(string, IReadOnlyCollection<int>)>();
            foreach (var (parentModule, parentIds) in frontier)
            {
                foreach (var registration in _all)
                {
                    var children = (await registration.OfAsync(parentModule, parentIds, cancellationToken))
                        .Where(c => seen.Add((c.Module, c.Id))).ToList();
                    found.AddRange(children);
                    if (children.Count > 0)
                    {
                        next.Add((registration.ModuleKey, children.Select(c => c.Id).ToList()));
                    }
                }
            }

            frontier = next;
        }

        return found;
    }

    /// <summary>Removes what <see cref="OfAsync"/> listed, deepest first, so no foreign key is left dangling.</summary>
    public async Task RemoveAsync(IReadOnlyList<RecordLink> dependents, CancellationToken cancellationToken)
    {
        foreach (var group in dependents.Select((d, order) => (d, order)).GroupBy(x => x.d.Module).OrderByDescending(g => g.Max(x => x.order)))
        {
            var registration = _all.First(r => r.ModuleKey == group.Key);
            await registration.RemoveAsync([.. group.Select(x => x.d.Id)], cancellationToken);
        }
    }

    /// <summary>
    /// Every delete use case calls this right after its commit: what only the commit makes safe to
    /// remove (the content of files whose last reference went) goes now, not at the next sweep.
    /// After a rollback it removes nothing: the database rows decide.
    /// </summary>
    public async Task AfterCommitAsync(CancellationToken cancellationToken)
    {
        foreach (var registration in _all)
        {
            await registration.AfterCommitAsync(cancellationToken);
        }
    }
}

/// <summary>
/// What else a delete takes with it: the dependents the actor may view by name, the others only
/// counted (their existence is not hidden, their content is), and every one of them as a key.
/// </summary>
public sealed record DependentImpact(IReadOnlyList<RecordLink> Named, int Hidden, IReadOnlyList<string> Keys)
{
    public static readonly DependentImpact None = new([], 0, []);

    /// <summary>The dependents the actor may not delete, counted by module: while there are any, the delete is refused.</summary>
    public IReadOnlyList<ProtectedRecords> Protected { get; init; } = [];

    /// <summary>Why the delete is refused (records it would take that the actor may not delete), or null.</summary>
    public string? Refusal => Protected.Count == 0 ? null
        : "It cannot be deleted: it would also delete linked records you may not delete (" +
          string.Join(", ", Protected.Select(p => $"{p.Title.ToLowerInvariant()}: {p.Count}")) +
          "). Ask their owners or an administrator to delete or move them first.";

    /// <summary>This impact with <paramref name="count"/> more protected records of <paramref name="module"/>.</summary>
    public DependentImpact WithProtected(string module, string title, int count) => count == 0 ? this
        : this with { Protected = [.. Protected.Where(p => p.Module != module), new ProtectedRecords(module, title, count + (Protected.FirstOrDefault(p => p.Module == module)?.Count ?? 0))] };

    /// <summary>
    /// Every dependent, for the delete that follows the confirmation in the same transaction, so
    /// it removes what was checked without walking the dependents again. Never serialised: it
    /// names records the actor may not see.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<RecordLink> All { get; init; } = [];

    public static string KeyOf(RecordLink link) => $"{link.Module}:{link.Id}";

    /// <summary>Whether the confirmation the user saw (<paramref name="confirmedKeys"/>) still describes this impact.</summary>
    public bool Matches(IReadOnlyCollection<string>? confirmedKeys) =>
        confirmedKeys is null || confirmedKeys.Order(StringComparer.Ordinal).SequenceEqual(Keys.Order(StringComparer.Ordinal));
}

/// <summary>Records of one module a delete would take that the actor may not delete.</summary>
public sealed record ProtectedRecords(string Module, string Title, int Count);

public static class RecordDependentsExtensions
{
    /// <summary>The dependents of several (module, ids) pairs, with what the actor may see of each.</summary>
    public static async Task<DependentImpact> ImpactAsync(
        this RecordDependents dependents, RecordLookups lookups, Actor actor, IEnumerable<(string Module, IReadOnlyCollection<int> Ids)> parents, CancellationToken cancellationToken)
    {
        var all = new List<RecordLink>();
        foreach (var (module, ids) in parents)
        {
            if (ids.Count > 0)
            {
                all.AddRange(await dependents.OfAsync(module, ids, cancellationToken));
            }
        }

        all = [.. all.DistinctBy(DependentImpact.KeyOf)];
        var named = new List<RecordLink>();
        foreach (var link in all)
        {
            if (await lookups.FindAsync(actor, link.Module, link.Id, cancellationToken) is { } visible)
            {
                named.Add(visible);
            }
        }

        // The rule for linked records: a delete takes only what the actor could delete themselves.
        var impact = new DependentImpact(named, all.Count - named.Count, [.. all.Select(DependentImpact.KeyOf)]) { All = all };
        foreach (var group in all.GroupBy(l => l.Module))
        {
            var ids = group.Select(l => l.Id).ToList();
            var permitted = await lookups.PermittedAsync(actor, group.Key, PermissionAction.Delete, ids, cancellationToken);
            impact = impact.WithProtected(group.Key, lookups.Of(group.Key)?.Title ?? group.Key, ids.Count(id => !permitted.Contains(id)));
        }

        return impact;
    }
}
