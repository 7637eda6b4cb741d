using System.Globalization;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Audit;

/// <summary>The retention periods per kind of history and activity entry.</summary>
public sealed class RetentionPage(ReadRetention read, SaveRetention save) : PageModel
{
    [BindProperty]
    public List<Row> Rows { get; set; } = [];

    public bool Saved { get; private set; }

    /// <summary>Messages by "trail.kind".</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(bool? saved, CancellationToken cancellationToken)
    {
        var current = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!current.IsOk)
        {
            return Forbid();
        }

        Saved = saved == true;
        Rows = [.. current.Value.Select(v => new Row { Trail = v.Trail, Kind = v.Kind, KeepDays = v.KeepDays?.ToString(CultureInfo.InvariantCulture) })];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var input = new List<RetentionInput>();
        foreach (var row in Rows)
        {
            var text = row.KeepDays?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                input.Add(new RetentionInput(row.Trail, row.Kind, null));
            }
            else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days))
            {
                input.Add(new RetentionInput(row.Trail, row.Kind, days));
            }
            else
            {
                Errors[$"{row.Trail}.{row.Kind}"] = "Enter a whole number of days, or leave the field empty to keep entries forever.";
            }
        }

        if (Errors.Count == 0)
        {
            var result = await save.RunAsync(HttpContext.Actor(), input, cancellationToken);
            if (result.IsOk)
            {
                return Redirect("/admin/retention?saved=true");
            }

            if (result.Outcome == Outcome.Forbidden)
            {
                return Forbid();
            }

            foreach (var (field, messages) in result.Errors)
            {
                Errors[field] = string.Join(" ", messages);
            }
        }

        return Page();
    }

    public sealed class Row
    {
        public string? Trail { get; set; }
        public string? Kind { get; set; }
        public string? KeepDays { get; set; }
    }
}
