using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Activity;

public sealed class ActivityLogPage(ListActivity list, Data.CrmDb db, Settings.Formats formats) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")] public Guid? UserFilter { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Ip { get; set; }
    [BindProperty(SupportsGet = true)] public bool Flagged { get; set; }
    [BindProperty(SupportsGet = true)] public string? Before { get; set; }

    public ActivityPage Result { get; private set; } = new([], null);
    public IReadOnlyList<string> Kinds { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Users { get; private set; } = [];
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var query = new ActivityQuery(UserFilter, Kind, From is { } from ? formats.StartOfDay(from) : null,
            To is { } to ? formats.StartOfDay(to.AddDays(1)) : null, Ip, Flagged, Before);
        var found = await list.RunAsync(HttpContext.Actor(), query, cancellationToken);
        if (found.Outcome == Web.Outcome.Forbidden)
        {
            return Forbid();
        }

        if (!found.IsOk)
        {
            Problem = string.Join(" ", found.Errors?.Values.SelectMany(v => v) ?? []);
        }

        Result = found.Value ?? new([], null);
        Kinds = await list.KindsAsync(cancellationToken);
        Users = (await db.Users.AsNoTracking().OrderBy(u => u.FullName).Select(u => new { u.Id, u.FullName }).ToListAsync(cancellationToken))
            .Select(u => (u.Id, u.FullName)).ToList();
        return Page();
    }

    public string NextLink(string cursor) =>
        $"?user={UserFilter}&kind={Uri.EscapeDataString(Kind ?? "")}&from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}&ip={Uri.EscapeDataString(Ip ?? "")}&flagged={Flagged}&before={cursor}";

    public static string FlagText(string flag) => flag switch
    {
        ActivityFlags.MassDeletion => "mass deletion",
        ActivityFlags.OutsideBusinessHours => "outside business hours",
        ActivityFlags.NewIp => "new IP",
        _ => flag,
    };
}
