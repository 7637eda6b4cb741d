using System.Globalization;
using System.Text.Json.Serialization;
using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Records;
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
public sealed class ListDeals(CrmDb db, RecordAccess access, RecordLookups lookups)
{
    public const string SortByTitle = "title";
    public const string SortByAmount = "amount";
    public const string SortById = "id";

    public async Task<Result<ListPage<DealListItem>>> RunAsync(Actor actor, DealQuery query, CancellationToken cancellationToken)
    {
        var size = query.PageSize ?? ListPaging.DefaultPageSize;
        var fields = await access.FieldsAsync(actor, CrmModules.Deals.Key, cancellationToken);
        var errors = Validate(query, fields.CanSee(ReadDeal.AmountField));
        if (size is < 1 or > ListPaging.MaxPageSize)
        {
            errors.Add("pageSize", $"The page size must be between 1 and {ListPaging.MaxPageSize}.");
        }

        var sort = SortOf(query);
        ListCursor? cursor = null;
        long amountKey = 0;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            cursor = ListCursor.Decode(query.Cursor, sort, sort == SortById ? 0 : 1);
            if (cursor is null || (sort == SortByAmount && !long.TryParse(cursor.Keys[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out amountKey)))
            {
                cursor = null;
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        if (errors.Any)
        {
            return Result<ListPage<DealListItem>>.Invalid(errors);
        }

        var deals = await FilteredAsync(actor, query, cancellationToken);
        if (cursor is { } at)
        {
            var id = at.Id;
            if (sort == SortByTitle)
            {
                var title = at.Keys[0];
                deals = at.Forward
                    ? deals.Where(d => d.Title.CompareTo(title) >= 0).Where(d => d.Title.CompareTo(title) > 0 || (d.Title == title && d.Id > id))
                    : deals.Where(d => d.Title.CompareTo(title) <= 0).Where(d => d.Title.CompareTo(title) < 0 || (d.Title == title && d.Id < id));
            }
            else if (sort == SortByAmount)
            {
                deals = at.Forward
                    ? deals.Where(d => d.Amount > amountKey || (d.Amount == amountKey && d.Id > id))
                    : deals.Where(d => d.Amount < amountKey || (d.Amount == amountKey && d.Id < id));
            }
            else
            {
                deals = at.Forward ? deals.Where(d => d.Id > id) : deals.Where(d => d.Id < id);
            }
        }

        var forward = cursor?.Forward ?? true;
        var ordered = Order(deals, sort, forward, await TextSearch.DrivingTermAsync(db, Deal.Matching, TextSearch.Term(query.Search), cancellationToken));
        var rows = await Project(actor, ordered.Take(size + 1), cancellationToken);
        var page = ListPaging.Page(rows, size, cursor, (row, next) => new ListCursor(sort, next, row.Item.Id,
            sort == SortByTitle ? [row.Item.Title] : sort == SortByAmount ? [row.Amount.ToString(CultureInfo.InvariantCulture)] : []));
        var seeAmount = fields.CanSee(ReadDeal.AmountField);
        return Result<ListPage<DealListItem>>.Ok(new ListPage<DealListItem>(
            [.. page.Items.Select(r => seeAmount ? r.Item : r.Item with { Amount = null, Currency = null })], page.NextCursor, page.PreviousCursor));
    }

    /// <summary>The list's order; <paramref name="drivingTerm"/> is the searched text when it drives the query, see <see cref="TextSearch.SortKey"/>.</summary>
    internal static IOrderedQueryable<Deal> Order(IQueryable<Deal> deals, string sort, bool forward, string? drivingTerm = null) => sort switch
    {
        SortByTitle => forward ? deals.OrderBy(TextSearch.SortKey<Deal, string>(d => d.Title, drivingTerm)).ThenBy(d => d.Id)
            : deals.OrderByDescending(TextSearch.SortKey<Deal, string>(d => d.Title, drivingTerm)).ThenByDescending(d => d.Id),
        SortByAmount => forward ? deals.OrderBy(TextSearch.SortKey<Deal, long>(d => d.Amount, drivingTerm)).ThenBy(d => d.Id)
            : deals.OrderByDescending(TextSearch.SortKey<Deal, long>(d => d.Amount, drivingTerm)).ThenByDescending(d => d.Id),
        _ => forward ? deals.OrderBy(TextSearch.SortKey<Deal, int>(d => d.Id, drivingTerm)) : deals.OrderByDescending(TextSearch.SortKey<Deal, int>(d => d.Id, drivingTerm)),
    };

    internal static string SortOf(DealQuery query) => query.Sort?.ToLowerInvariant() switch
    {
        SortById => SortById,
        SortByAmount => SortByAmount,
        _ => SortByTitle,
    };

    internal static FieldErrors Validate(DealQuery query, bool seeAmount)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, ListCompanies.SearchMaxLength, required: false);
        var sort = query.Sort?.ToLowerInvariant();
        if (sort is { Length: > 0 } && sort is not (SortByTitle or SortByAmount or SortById))
        {
            errors.Add("sort", "Sort by \"title\", \"amount\" or \"id\".");
        }
        else if (sort == SortByAmount && !seeAmount)
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
        var deals = db.Deals.AsNoTracking().Where(visible);
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
