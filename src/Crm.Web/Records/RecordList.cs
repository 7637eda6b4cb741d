using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>What every list query of a CRM object carries besides its module's own filters.</summary>
public interface IRecordQuery
{
    string? Search { get; }
    string? Sort { get; }
    string? Cursor { get; }
    int? PageSize { get; }
}

/// <summary>
/// The list use case every object module shares, page and export alike: the query checked (search
/// length, a known sort, the module's own filters), the records the actor may view narrowed by the
/// search and the module's filters, then either one keyset page or every row as CSV or xlsx (export
/// permission, hidden columns dropped, logged and audited by <see cref="ListExports"/>). The module
/// names its sorts, its export columns, its search, its filters and the row it shows.
/// </summary>
public abstract class RecordList<TRecord, TItem, TQuery>(CrmDb db, RecordAccess access, ListExports exports, ModuleDefinition module)
    where TRecord : OwnedRecord
    where TQuery : IRecordQuery
{
    protected CrmDb Db => db;

    protected RecordAccess Access => access;

    /// <summary>The sorts the list offers, the first one the default; a static field of the module, built once.</summary>
    protected abstract KeysetList<TRecord, TItem> Sorts { get; }

    /// <summary>The export's columns, each under the field rule that may hide it.</summary>
    protected abstract IReadOnlyList<ExportColumn<TItem>> Columns { get; }

    /// <summary>The records matching a lower-cased search term (see <see cref="TextSearch.Term"/>).</summary>
    protected abstract Expression<Func<TRecord, bool>> Matching(string term);

    /// <summary>The row the list shows for each record; a module whose row depends on the actor overrides <see cref="ProjectAsync"/> instead.</summary>
    protected virtual IQueryable<TItem> Project(IQueryable<TRecord> records) =>
        throw new InvalidOperationException($"{GetType().Name} overrides neither Project nor ProjectAsync.");

    /// <summary>The row for each record as the actor may see it (a linked record they may not view left unnamed).</summary>
    protected virtual Task<IQueryable<TItem>> ProjectAsync(Actor actor, IQueryable<TRecord> records, CancellationToken cancellationToken) =>
        Task.FromResult(Project(records));

    /// <summary>The module's own filters; the query was checked by <see cref="Check"/>.</summary>
    protected virtual IQueryable<TRecord> Filter(IQueryable<TRecord> records, TQuery query) => records;

    /// <summary>The module's filters that need the actor (a filter on a linked record they may not view filters as one that does not exist).</summary>
    protected virtual Task<IQueryable<TRecord>> FilterAsync(Actor actor, IQueryable<TRecord> records, TQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(Filter(records, query));

    /// <summary>The module's checks of its own filters, added to the search and sort checks.</summary>
    protected virtual void Check(FieldErrors errors, TQuery query)
    {
    }

    /// <summary>True when a search term may drive the sort through the trigram index (large tables; see <see cref="TextSearch.DrivingTermAsync"/>).</summary>
    protected virtual bool SearchDrivesSort => false;

    /// <summary>Which records the actor may view; a module with rules of its own (tasks, memos) narrows it further.</summary>
    protected virtual Task<Expression<Func<TRecord, bool>>> VisibleAsync(Actor actor, CancellationToken cancellationToken) =>
        access.VisibleAsync<TRecord>(actor, module.Key, cancellationToken);

    public async Task<Result<ListPage<TItem>>> RunAsync(Actor actor, TQuery query, CancellationToken cancellationToken)
    {
        if (RecordAccess.ListRefusal(actor, module.Key) is { } refused)
        {
            return Result<ListPage<TItem>>.Forbidden(refused);
        }

        var errors = Validate(query);
        await exports.CustomFilters.CheckAsync(actor, module.Key, errors, cancellationToken);
        var custom = await exports.CustomFilters.SortAsync(actor, module.Key, query.Sort, errors, cancellationToken);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize, custom);
        if (errors.Any)
        {
            return Result<ListPage<TItem>>.Invalid(errors);
        }

        var records = await FilteredAsync(actor, query, cancellationToken);
        var driving = SearchDrivesSort ? await TextSearch.DrivingTermAsync(db, Matching, TextSearch.Term(query.Search), cancellationToken) : null;
        var rows = await ProjectAsync(actor, page.Read(records, driving), cancellationToken);
        return Result<ListPage<TItem>>.Ok(await page.PageAsync(await rows.ToListAsync(cancellationToken), cancellationToken));
    }

    /// <summary>The whole list as CSV or xlsx, with the same search, filters and sort (cursor and page size ignored).</summary>
    public Task<Result<TableExport>> ExportAsync(Actor actor, TQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, module, query, format, _ => Validate(query), async ct =>
        {
            var records = await FilteredAsync(actor, query, ct);
            var custom = await exports.CustomFilters.SortAsync(actor, module.Key, query.Sort, new FieldErrors(), ct);
            return await ListExports.CountedAsync(records, await ProjectAsync(actor, Sorts.Order(records, query.Sort, custom: custom), ct), Columns, ct);
        }, cancellationToken);

    public FieldErrors Validate(TQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, TextSearch.SearchMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);
        Check(errors, query);
        return errors;
    }

    /// <summary>The records the actor may view that match the query's search and filters (its custom field filters too), unordered.</summary>
    public async Task<IQueryable<TRecord>> FilteredAsync(Actor actor, TQuery query, CancellationToken cancellationToken)
    {
        var records = db.Set<TRecord>().AsNoTracking().Where(await VisibleAsync(actor, cancellationToken));
        if (TextSearch.Term(query.Search) is { } term)
        {
            records = records.Where(Matching(term));
        }

        records = await exports.CustomFilters.ApplyAsync(actor, module.Key, records, cancellationToken);
        return await FilterAsync(actor, records, query, cancellationToken);
    }
}
