using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>
/// The usual <see cref="IRecordLookup"/> of an owned record: the permission engine's row filter,
/// then the ID or a case-insensitive "contains" on the module's searchable text, labelled in SQL.
/// A module states its module (whose key and title name it; its records' pages are <c>/{key}/{id}</c>),
/// label and searchable text; nothing else.
/// </summary>
public abstract class OwnedRecordLookup<T>(CrmDb db, RecordAccess access, ModuleDefinition module) : IRecordLookup
    where T : OwnedRecord
{
    public string ModuleKey => module.Key;

    /// <summary>The database, for modules that decide their records' rights themselves.</summary>
    protected CrmDb Db => db;

    public string Title => module.Title;

    /// <summary>The record's page, e.g. <c>/companies/12</c>.</summary>
    public string PageOf(int id) => $"/{module.Key}/{id}";

    /// <summary>The label as SQL can compute it (the entity's <see cref="OwnedRecord.Label"/> is not stored).</summary>
    protected abstract Expression<Func<T, string>> Label { get; }

    /// <summary>Whether a record matches <paramref name="lowerTerm"/> (already trimmed and lower-cased).</summary>
    protected abstract Expression<Func<T, bool>> Matches(string lowerTerm);

    /// <summary>The module's row filter; modules with record rules (memos, tasks) give their own.</summary>
    protected virtual Task<Expression<Func<T, bool>>> VisibleAsync(Actor actor, CancellationToken cancellationToken) =>
        access.VisibleAsync<T>(actor, ModuleKey, cancellationToken);

    public async Task<RecordLink?> FindAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var label = await (await VisibleLabelAsync(actor, id, cancellationToken)).FirstOrDefaultAsync(cancellationToken);
        return label is null ? null : new RecordLink(ModuleKey, id, label, PageOf(id));
    }

    public async Task<IQueryable<string>> VisibleLabelAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var visible = await VisibleAsync(actor, cancellationToken);
        return db.Set<T>().AsNoTracking().Where(r => r.Id == id).Where(visible).Select(Label);
    }

    async Task<IQueryable<string>?> IRecordLookup.VisibleLabelAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        await VisibleLabelAsync(actor, id, cancellationToken);

    public async Task<IReadOnlyList<RecordLink>> SearchAsync(Actor actor, string text, int limit, CancellationToken cancellationToken)
    {
        var visible = await VisibleAsync(actor, cancellationToken);
        var term = TextSearch.Term(text) ?? "";
        var found = db.Set<T>().AsNoTracking().Where(visible).Where(Matches(term));
        // Most recently changed first. A term in a large share of the rows would have to sort all of
        // them by that unindexed time: newest first instead, which the primary key reads in order.
        var ordered = await TextSearch.DrivingTermAsync(db, Matches, term, cancellationToken) is null
            ? found.OrderByDescending(r => r.Id)
            : found.OrderByDescending(r => r.ModifiedAt).ThenByDescending(r => r.Id);
        var rows = await ordered.Take(limit).Select(IdAndLabel()).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RecordLink(ModuleKey, r.Key, r.Value, PageOf(r.Key)))];
    }

    /// <summary>The module's own rights on one record (see <see cref="RecordRights{T}"/>); null: the engine's on owner, department and shares.</summary>
    protected virtual RecordRights<T>? Rights => null;

    public async Task<IReadOnlySet<int>> PermittedAsync(Actor actor, string action, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        var visible = await VisibleAsync(actor, cancellationToken);
        if (action == PermissionAction.View)
        {
            // Viewing is the row filter itself: one query, no decision per record.
            return (await db.Set<T>().AsNoTracking().Where(r => list.Contains(r.Id)).Where(visible).Select(r => r.Id).ToListAsync(cancellationToken)).ToHashSet();
        }

        if (Rights is { } rights)
        {
            // Rights with rules of the module's own (a task's responsible users, a memo's author):
            // each record decided as its own page decides it.
            var permittedByRule = new HashSet<int>();
            foreach (var record in await db.Set<T>().AsNoTracking().Where(r => list.Contains(r.Id)).ToListAsync(cancellationToken))
            {
                if (await rights(actor, record, action, cancellationToken) is { Visible: true, Allowed: true })
                {
                    permittedByRule.Add(record.Id);
                }
            }

            return permittedByRule;
        }

        var rows = await db.Set<T>().AsNoTracking().Where(r => list.Contains(r.Id)).Where(visible)
            .Select(r => new { r.Id, r.OwnerId, r.DepartmentId }).ToListAsync(cancellationToken);
        var permitted = new HashSet<int>();
        foreach (var facts in await access.FactsAsync(ModuleKey, [.. rows.Select(r => (r.Id, r.OwnerId, r.DepartmentId))], cancellationToken))
        {
            if ((await access.DecideAsync(actor, ModuleKey, action, facts, cancellationToken)).Allowed)
            {
                permitted.Add(facts.RecordId);
            }
        }

        return permitted;
    }

    public Task<RecordOwnership?> OwnershipAsync(int id, CancellationToken cancellationToken) =>
        db.Set<T>().AsNoTracking().Where(r => r.Id == id).Select(r => new RecordOwnership(r.OwnerId, r.DepartmentId)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The fields of the module's records that hold another record's id (history shows them only to who may see that record).</summary>
    public virtual IReadOnlyList<LinkField> LinkFields => [];

    // r => new KeyValuePair<int, string>(r.Id, <label>(r)): the label expression spliced in, so it runs in SQL.
    private Expression<Func<T, KeyValuePair<int, string>>> IdAndLabel()
    {
        var label = Label;
        var record = label.Parameters[0];
        var constructor = typeof(KeyValuePair<int, string>).GetConstructor([typeof(int), typeof(string)])!;
        return Expression.Lambda<Func<T, KeyValuePair<int, string>>>(
            Expression.New(constructor, Expression.Property(record, nameof(OwnedRecord.Id)), label.Body), record);
    }
}
