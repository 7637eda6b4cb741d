using System.Text.Json.Nodes;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

public sealed class DeletedObjectsPage(ListAudit list, RestoreDeleted restore, Data.CrmDb db, Settings.Formats formats) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true, Name = "user")] public Guid? DeletedBy { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Search { get; set; }
    [BindProperty(SupportsGet = true)] public string? Before { get; set; }

    public AuditList Result { get; private set; } = new([], null);
    public IReadOnlyList<string> Types { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Users { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? restored, CancellationToken cancellationToken)
    {
        Message = restored is null ? null : $"{restored} was restored.";
        return await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRestoreAsync(long entryId, CancellationToken cancellationToken)
    {
        var done = await restore.RunAsync(HttpContext.Actor(), entryId, cancellationToken);
        if (done.IsOk)
        {
            return RedirectToPage(new { restored = $"{done.Value.Label} (ID {done.Value.EntityId})", Type, user = DeletedBy, From, To, Search });
        }

        Problem = done.Message ?? "The object could not be restored.";
        return await LoadAsync(cancellationToken);
    }

    private async Task<IActionResult> LoadAsync(CancellationToken cancellationToken)
    {
        var query = new AuditQuery(Type, null, DeletedBy, null,
            From is { } from ? formats.StartOfDay(from) : null, To is { } to ? formats.StartOfDay(to.AddDays(1)) : null, Search, Before);
        var found = await list.DeletedAsync(HttpContext.Actor(), query, cancellationToken);
        if (found.Outcome == Web.Outcome.Forbidden)
        {
            return Forbid();
        }

        if (!found.IsOk)
        {
            Problem = string.Join(" ", found.Errors?.Values.SelectMany(v => v) ?? []);
        }

        Result = found.Value ?? new([], null);
        Types = await list.TypesAsync(AuditActions.Deleted, cancellationToken);
        Users = (await db.Users.AsNoTracking().OrderBy(u => u.FullName).Select(u => new { u.Id, u.FullName }).ToListAsync(cancellationToken))
            .Select(u => (u.Id, u.FullName)).ToList();
        return Page();
    }

    /// <summary>The last state as field/value pairs, for the page; user ids shown as names.</summary>
    public IEnumerable<(string Field, string? Value)> LastState(string changes) =>
        JsonNode.Parse(changes) is JsonObject state
            ? state.Where(p => !p.Key.StartsWith('$')).Select(p => (p.Key, Named(p.Value?["old"]?.ToString())))
            : [];

    private string? Named(string? value) =>
        Guid.TryParse(value, out var id) && Users.FirstOrDefault(u => u.Id == id) is { Name: { } name } && name.Length > 0 ? name : value;
}
