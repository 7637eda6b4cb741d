using Crm.Web.Features.Records;
using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Companies;

/// <summary>
/// The current company list (same filter, search and sort, every page) as CSV or xlsx, only with the
/// module's export permission. Fields the actor's role hides are left out; every export is logged.
/// </summary>
public sealed class ExportCompanies(CrmDb db, ListCompanies list, RecordAccess access, ActivityLog activity, TimeProvider clock)
{
    public const string ActivityKind = "companies-exported";

    private static readonly (string Field, string Header, Func<CompanyListItem, string?> Value)[] s_columns =
    [
        ("id", "ID", c => c.Id.ToString(CultureInfo.InvariantCulture)),
        ("name", "Name", c => c.Name),
        ("city", "City", c => c.City),
        ("countryName", "Country", c => c.CountryName),
        ("phone", "Phone", c => c.Phone),
        ("email", "Email", c => c.Email),
        ("website", "Website", c => c.Website),
        ("owner", "Owner", c => c.OwnerName),
    ];

    public async Task<Result<TableExport>> RunAsync(Actor actor, CompanyQuery query, ExportFormat format, CancellationToken cancellationToken)
    {
        if (!(await access.DecideAsync(actor, CrmModules.Companies.Key, PermissionAction.Export, null, cancellationToken)).Allowed)
        {
            return Result<TableExport>.Forbidden("You may not export companies.");
        }

        var errors = ListCompanies.Validate(query);
        if (errors.Any)
        {
            return Result<TableExport>.Invalid(errors);
        }

        var fields = await access.FieldsAsync(actor, CrmModules.Companies.Key, cancellationToken);
        var columns = s_columns.Where(c => fields.CanSee(c.Field)).ToList();
        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var ordered = ListCompanies.SortOf(query) == ListCompanies.SortById
            ? filtered.OrderBy(c => c.Id)
            : filtered.OrderBy(c => c.Name).ThenBy(c => c.Id);
        var count = await filtered.CountAsync(cancellationToken);
        activity.Record(actor, ActivityKind,
            $"Exported {count} companies as {format.ToString().ToUpperInvariant()}" + (string.IsNullOrWhiteSpace(query.Search) ? "." : $" (search '{query.Search.Trim()}')."));
        await db.SaveChangesAsync(cancellationToken);

        var rows = list.Project(ordered);
        return Result<TableExport>.Ok(new TableExport(
            $"companies-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}",
            [.. columns.Select(c => c.Header)],
            ct => Cells(rows.AsAsyncEnumerable(), columns, ct)));
    }

    private static async IAsyncEnumerable<IReadOnlyList<string?>> Cells(
        IAsyncEnumerable<CompanyListItem> rows, List<(string Field, string Header, Func<CompanyListItem, string?> Value)> columns,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return [.. columns.Select(c => c.Value(row))];
        }
    }
}
