using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Records;

/// <summary>
/// The usual <see cref="IRecordLookup"/> of an owned record: the permission engine's row filter,
/// then the ID or a case-insensitive "contains" on the module's searchable text, labelled in SQL.
/// A module states its key, title, page address, label and searchable text; nothing else.
/// </summary>
public abstract class OwnedRecordLookup<T>(CrmDb db, RecordAccess access) : IRecordLookup
    where T : OwnedRecord
{
    public abstract string ModuleKey { get; }

    public abstract string Title { get; }

    /// <summary>The record's page, e.g. <c>/companies/12</c>.</summary>
    public abstract string PageOf(int id);

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
