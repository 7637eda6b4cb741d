using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Deals;

/// <summary>The current deal list as CSV or xlsx (export permission; hidden fields, the amount above all, left out; logged and audited).</summary>
public sealed class ExportDeals(ListDeals list, ListExports exports)
{
    public const string ActivityKind = "deals-exported";
    private const int Batch = 500;

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

    public Task<Result<TableExport>> RunAsync(Actor actor, DealQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Deals, query, format, fields => ListDeals.Validate(query, fields.CanSee(ReadDeal.AmountField)), async ct =>
        {
            var filtered = await list.FilteredAsync(actor, query, ct);
            var ordered = ListDeals.Sorts.Order(filtered, query.Sort);
            return new ExportRows<DealListItem>(s_columns, await filtered.CountAsync(ct), rowsCt => Rows(actor, ordered, rowsCt));
        }, cancellationToken);

    /// <summary>In batches: the projection masks and names per row, in memory.</summary>
    private async IAsyncEnumerable<DealListItem> Rows(Actor actor, IOrderedQueryable<Deal> ordered, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var skip = 0; ; skip += Batch)
        {
            var rows = await list.Project(actor, ordered.Skip(skip).Take(Batch), cancellationToken);
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
}
