using System.Globalization;
using System.Text.Json;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Gdpr;
using Crm.Web.Features.RoleAudit;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Exports;

public sealed record ExportLogQuery(Guid? UserId = null, string? Module = null, string? Cursor = null, int? PageSize = null);

/// <summary>
/// One export: what left the CRM (module, filter, columns, row count, file type), who took it, from
/// where and when. <see cref="Rows"/> and <see cref="Format"/> are null if the entry no longer says.
/// </summary>
public sealed record ExportLogItem(
    long Id, DateTime At, string Module, string ModuleTitle, string? Format, int? Rows,
    IReadOnlyDictionary<string, string> Filter, IReadOnlyList<string> Columns,
    Guid? UserId, string UserName, string? ApiTokenName, string? IpAddress);

public sealed record ExportLogPage(IReadOnlyList<ExportLogItem> Items, string? NextCursor);

/// <summary>
/// The export log for administrators, newest first, keyset-paged, filterable by user and module.
/// Read from the audit trail, where every export is already an "exported" entry written with it
/// (ListExports for the modules' lists and reports, the GDPR access export): one index range
/// (Action, Id), or (ActorUserId, Id) for one user; nothing is recorded twice.
/// </summary>
public sealed class ListExportLog(CrmDb db)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>The exports that are not a module's list, by their name in the trail, with their title.</summary>
    private static readonly IReadOnlyDictionary<string, string> s_otherExports = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [AuditNames.EntityType(typeof(GdprRequest))] = "Data-protection request (person's data)",
        [ExportRoleAudit.ExportName] = "Role audit",
    };

    /// <summary>
    /// Everything that can be exported, by name and title: the modules with an export permission
    /// (countries have it from the standard set of actions, but no list export), then the other exports.
    /// </summary>
    public static IReadOnlyList<(string Name, string Title)> Exportable =>
    [
        .. CrmModules.All.Where(m => m.Has(PermissionAction.Export) && m != CrmModules.Countries).Select(m => (m.Key, m.Title)),
        .. s_otherExports.Select(o => (o.Key, o.Value)),
    ];

    public static string TitleOf(string name) =>
        CrmModules.All.FirstOrDefault(m => m.Key == name)?.Title ?? s_otherExports.GetValueOrDefault(name, name);

    public async Task<Result<ExportLogPage>> RunAsync(Actor actor, ExportLogQuery query, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<ExportLogPage>.Forbidden("Only administrators may read the export log.");
        }

        var errors = new FieldErrors();
        var before = errors.BeforeCursor(query.Cursor);
        var size = errors.PageSize(query.PageSize, DefaultPageSize, MaxPageSize);

        var module = string.IsNullOrWhiteSpace(query.Module) ? null : query.Module.Trim();
        if (module is not null && Exportable.All(e => e.Name != module))
        {
            errors.Add("module", $"Module is one of: {string.Join(", ", Exportable.Select(e => e.Name))}.");
        }

        if (errors.Any)
        {
            return Result<ExportLogPage>.Invalid(errors);
        }

        var entries = db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.Exported);
        if (query.UserId is { } user)
        {
            entries = entries.Where(e => e.ActorUserId == user);
        }

        if (module is not null)
        {
            entries = entries.Where(e => e.EntityType == module);
        }

        if (before is { } b)
        {
            entries = entries.Where(e => e.Id < b);
        }

        var rows = await entries.OrderByDescending(e => e.Id).Take(size + 1)
            .Select(e => new { e.Id, e.At, e.EntityType, e.EntityId, e.Changes, e.ActorUserId, e.ActorName, e.ApiTokenName, e.IpAddress })
            .ToListAsync(cancellationToken);
        var items = rows.Take(size).Select(e =>
        {
            var (format, count, filter, columns) = Read(e.Changes);
            if (filter.Count == 0 && e.EntityId.Length > 0)
            {
                // An export of one record (a data-protection request): the record is its filter.
                filter = new Dictionary<string, string> { ["id"] = e.EntityId };
            }

            return new ExportLogItem(e.Id, e.At, e.EntityType, TitleOf(e.EntityType), format, count, filter, columns,
                e.ActorUserId, e.ActorName, e.ApiTokenName, e.IpAddress);
        }).ToList();
        return Result<ExportLogPage>.Ok(new ExportLogPage(items,
            rows.Count > size ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }

    /// <summary>The export's facts from its entry's changes (each field as {"new": value}); what is missing or redacted stays empty.</summary>
    private static (string? Format, int? Count, Dictionary<string, string> Filter, List<string> Columns) Read(string changes)
    {
        string? format = null;
        int? count = null;
        var filter = new Dictionary<string, string>(StringComparer.Ordinal);
        var columns = new List<string>();
        try
        {
            using var json = JsonDocument.Parse(changes);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (format, count, filter, columns);
            }

            if (New(json.RootElement, "format") is { ValueKind: JsonValueKind.String } f)
            {
                format = f.GetString();
            }

            if (New(json.RootElement, "count") is { ValueKind: JsonValueKind.Number } c && c.TryGetInt32(out var n))
            {
                count = n;
            }

            if (New(json.RootElement, "filter") is { ValueKind: JsonValueKind.Object } given)
            {
                foreach (var property in given.EnumerateObject())
                {
                    filter[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? "" : property.Value.GetRawText();
                }
            }

            if (New(json.RootElement, "columns") is { ValueKind: JsonValueKind.Array } list)
            {
                columns.AddRange(list.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString() ?? ""));
            }
        }
        catch (JsonException)
        {
            // An entry whose changes are not JSON any more still shows who exported what, when.
        }

        return (format, count, filter, columns);
    }

    private static JsonElement? New(JsonElement changes, string field) =>
        changes.TryGetProperty(field, out var change) && change.ValueKind == JsonValueKind.Object && change.TryGetProperty("new", out var value) ? value.Clone() : null;
}
