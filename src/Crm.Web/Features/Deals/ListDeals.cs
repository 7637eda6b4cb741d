using System.Globalization;
using System.Text.Json.Serialization;
using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Deals;

/// <summary>The deal list's filter, search and sort; <see cref="Open"/> true keeps only deals not won or lost.</summary>
public sealed record DealQuery(
    string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null,
    string? Stage = null, bool? Open = null, int? CompanyId = null, Guid? OwnerId = null);

public sealed record DealListItem(
    int Id, string Title, int? CompanyId, string? CompanyName, string Stage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Amount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency,
    int Probability, DateOnly? ExpectedClose, Guid OwnerId, string OwnerName);

/// <summary>
/// The deals the actor may view (the engine's row filter, in SQL), filtered by stage, open,
/// company and owner, searched by title, sorted by title, amount or ID and keyset-paged. When the
/// role hides the amount it is neither shown nor offered as a sort (the order would reveal it).
/// </summary>
public sealed class ListDeals(CrmDb db, RecordAccess access, RecordLookups lookups, ListExports exports)
{
    public const string SortByTitle = "title";
    public const string SortByAmount = "amount";
    public const string SortById = "id";
    private const int Batch = 500;

    /// <summary>The sorts: by title (the default), by amount (in minor units), by ID.</summary>
    internal static readonly KeysetList<Deal, Row> Sorts = new KeysetList<Deal, Row>(d => d.Id, r => r.Item.Id)
        .Sort(SortByTitle, keys => keys.Text(d => d.Title, r => r.Item.Title))
        .Sort(SortByAmount, keys => keys.Number(d => d.Amount, r => r.Amount))
        .Sort(SortById);

    public async Task<Result<ListPage<DealListItem>>> RunAsync(Actor actor, DealQuery query, CancellationToken cancellationToken)
    {
        if (RecordAccess.ListRefusal(actor, CrmModules.Deals.Key) is { } refused)
        {
            return Result<ListPage<DealListItem>>.Forbidden(refused);
        }

        var fields = await access.FieldsAsync(actor, CrmModules.Deals.Key, cancellationToken);
        var seeAmount = fields.CanSee(ReadDeal.AmountField);
        var errors = Validate(query, seeAmount);
        await exports.CustomFilters.CheckAsync(actor, CrmModules.Deals.Key, errors, cancellationToken);
        var custom = await exports.CustomFilters.SortAsync(actor, CrmModules.Deals.Key, query.Sort, errors, cancellationToken);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize, custom);
        if (errors.Any)
        {
            return Result<ListPage<DealListItem>>.Invalid(errors);
        }

        var deals = await FilteredAsync(actor, query, cancellationToken);
        var driving = await TextSearch.DrivingTermAsync(db, Deal.Matching, TextSearch.Term(query.Search), cancellationToken);
        var read = await page.PageAsync(await Project(actor, page.Read(deals, driving), cancellationToken), cancellationToken);
        return Result<ListPage<DealListItem>>.Ok(new ListPage<DealListItem>(
            [.. read.Items.Select(r => seeAmount ? r.Item : r.Item with { Amount = null, Currency = null })], read.NextCursor, read.PreviousCursor));
    }

    /// <summary>The list as CSV or xlsx (export permission; hidden fields, the amount above all, left out; logged and audited).</summary>
    public Task<Result<TableExport>> ExportAsync(Actor actor, DealQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Deals, query, format, fields => Validate(query, fields.CanSee(ReadDeal.AmountField)), async ct =>
        {
            var filtered = await FilteredAsync(actor, query, ct);
            var ordered = Sorts.Order(filtered, query.Sort, custom: await exports.CustomFilters.SortAsync(actor, CrmModules.Deals.Key, query.Sort, new FieldErrors(), ct));
            return new ExportRows<DealListItem>(s_columns, await filtered.CountAsync(ct), rowsCt => Rows(actor, ordered, rowsCt));
        }, cancellationToken);

    private static readonly ExportColumn<DealListItem>[] s_columns =
    [
        new("id", "ID", d => d.Id.ToString(CultureInfo.InvariantCulture)),
        new("title", "Title", d => d.Title),
        new("company", "Company", d => d.CompanyName),
        new("stage", "Stage", d => d.Stage),
        new(ReadDeal.AmountField, "Amount", d => d.Amount),
        new(ReadDeal.AmountField, "Currency", d => d.Currency),
        new("probability", "Probability", d => d.Probability.ToString(CultureInfo.InvariantCulture)),
        new("expectedClose", "Expected close", d => d.ExpectedClose?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        new("owner", "Owner", d => d.OwnerName),
    ];

    /// <summary>In batches: the projection masks and names per row, in memory.</summary>
    private async IAsyncEnumerable<DealListItem> Rows(Actor actor, IOrderedQueryable<Deal> ordered, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var skip = 0; ; skip += Batch)
        {
            var rows = await Project(actor, ordered.Skip(skip).Take(Batch), cancellationToken);
            foreach (var row in rows)
            {
                yield return row.Item;
            }

            if (rows.Count < Batch)
            {
                yield break;
            }
        }
    }

    internal static FieldErrors Validate(DealQuery query, bool seeAmount)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, TextSearch.SearchMaxLength, required: false);
        if (Sorts.CheckSort(errors, query.Sort) && Sorts.SortOf(query.Sort) == SortByAmount && !seeAmount)
        {
            errors.Add("sort", "Your role does not show deal amounts, so the list cannot be sorted by amount.");
        }

        if (query.Stage is { Length: > 0 } stage && !DealStages.All.Contains(stage))
        {
            errors.Add("stage", $"Stage must be one of: {string.Join(", ", DealStages.All)}.");
        }

        return errors;
    }

    /// <summary>The visible deals matching the filter, unordered; export reads the same set.</summary>
    internal async Task<IQueryable<Deal>> FilteredAsync(Actor actor, DealQuery query, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync<Deal>(actor, CrmModules.Deals.Key, cancellationToken);
        var deals = await exports.CustomFilters.ApplyAsync(actor, CrmModules.Deals.Key, db.Deals.AsNoTracking().Where(visible), cancellationToken);
        if (TextSearch.Term(query.Search) is { } term)
        {
            deals = deals.Where(Deal.Matching(term));
        }

        if (query.Stage is { Length: > 0 } stage)
        {
            deals = deals.Where(d => d.Stage == stage);
        }

        if (query.Open is { } open)
        {
            deals = open ? deals.Where(d => d.Stage != DealStages.Won && d.Stage != DealStages.Lost)
                : deals.Where(d => d.Stage == DealStages.Won || d.Stage == DealStages.Lost);
        }

        // A company the actor may not view filters exactly as one that does not exist.
        if (await lookups.VisibleFilterAsync(actor, CrmModules.Companies.Key, query.CompanyId, cancellationToken) is { } companyId)
        {
            deals = deals.Where(d => d.CompanyId == companyId);
        }

        if (query.OwnerId is { } owner)
        {
            deals = deals.Where(d => d.OwnerId == owner);
        }

        return deals;
    }

    internal sealed record Row(DealListItem Item, long Amount);

    /// <summary>The list's columns; names by correlated lookups so rows keep the query's order, a company the actor may not view stays unnamed.</summary>
    internal async Task<List<Row>> Project(Actor actor, IQueryable<Deal> deals, CancellationToken cancellationToken)
    {
        var companies = db.Companies.Where(await access.VisibleAsync<Company>(actor, CrmModules.Companies.Key, cancellationToken));
        var rows = await deals.Select(d => new
        {
            d.Id, d.Title, d.Stage, d.Amount, d.Currency, d.Probability, d.ExpectedClose, d.OwnerId,
            CompanyId = companies.Where(c => c.Id == d.CompanyId).Select(c => (int?)c.Id).FirstOrDefault(),
            CompanyName = companies.Where(c => c.Id == d.CompanyId).Select(c => c.Name).FirstOrDefault(),
            OwnerName = db.Users.Where(u => u.Id == d.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? "",
        }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new Row(new DealListItem(r.Id, r.Title, r.CompanyId, r.CompanyName, r.Stage, Money.Format(r.Amount, r.Currency), r.Currency,
            r.Probability, r.ExpectedClose, r.OwnerId, r.OwnerName), r.Amount))];
    }
}
