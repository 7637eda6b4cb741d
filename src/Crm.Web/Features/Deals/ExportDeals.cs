using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Deals;

/// <summary>The current deal list as CSV (export permission; hidden fields, the amount above all, left out; logged).</summary>
public sealed class ExportDeals(CrmDb db, ListDeals list, RecordAccess access, ActivityLog activity, TimeProvider clock)
{
    public const string ActivityKind = "deals-exported";
    private const int Batch = 500;

    private static readonly (string Field, string Header, Func<DealListItem, string?> Value)[] s_columns =
    [
        ("id", "ID", d => d.Id.ToString(CultureInfo.InvariantCulture)),
        ("title", "Title", d => d.Title),
        ("company", "Company", d => d.CompanyName),
        ("stage", "Stage", d => d.Stage),
        ("amount", "Amount", d => d.Amount),
        ("amount", "Currency", d => d.Currency),
        ("probability", "Probability", d => d.Probability.ToString(CultureInfo.InvariantCulture)),
        ("expectedClose", "Expected close", d => d.ExpectedClose?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("owner", "Owner", d => d.OwnerName),
    ];

    public async Task<Result<CsvExport>> RunAsync(Actor actor, DealQuery query, CancellationToken cancellationToken)
    {
        var module = CrmModules.Deals.Key;
        if (!(await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed)
        {
            return Result<CsvExport>.Forbidden("You may not export deals.");
        }

        var fields = await access.FieldsAsync(actor, module, cancellationToken);
        var errors = ListDeals.Validate(query, fields.CanSee(ReadDeal.AmountField));
        if (errors.Any)
        {
            return Result<CsvExport>.Invalid(errors);
        }

        var columns = s_columns.Where(c => fields.CanSee(c.Field)).ToList();
        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var ordered = ListDeals.Order(filtered, ListDeals.SortOf(query), forward: true);
        var count = await filtered.CountAsync(cancellationToken);
        activity.Record(actor, ActivityKind,
            $"Exported {count} deals as CSV" + (string.IsNullOrWhiteSpace(query.Search) ? "." : $" (search '{query.Search.Trim()}')."));
        await db.SaveChangesAsync(cancellationToken);

        var name = $"deals-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.csv";
        return Result<CsvExport>.Ok(new CsvExport(name, async (stream, ct) =>
        {
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
            await writer.WriteAsync(Csv.Line(columns.Select(c => c.Header)));
            for (var skip = 0; ; skip += Batch)
            {
                var rows = await list.Project(actor, ordered.Skip(skip).Take(Batch), ct);
                foreach (var row in rows)
                {
                    await writer.WriteAsync(Csv.Line(columns.Select(c => c.Value(row.Item))));
                }

                if (rows.Count < Batch)
                {
                    break;
                }
            }
        }));
    }
}
