using System.ComponentModel.DataAnnotations;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Settings;

/// <summary>The organisation's language, time zone, date format and number separators.</summary>
public sealed class LocalisationSettingsPage(ReadLocalisationSettings read, SaveLocalisationSettings save) : PageModel
{
    [BindProperty]
    public LocalisationForm Input { get; set; } = new();

    public bool Saved { get; private set; }

    public static IReadOnlyList<string> TimeZones { get; } =
        [.. TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId).Select(z => z.Id).Append("UTC").Distinct().Order(StringComparer.Ordinal)];

    public async Task<IActionResult> OnGetAsync(bool? saved, CancellationToken cancellationToken)
    {
        var current = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!current.IsOk)
        {
            return Forbid();
        }

        var v = current.Value;
        Saved = saved == true;
        Input = new LocalisationForm
        {
            DefaultLanguage = v.DefaultLanguage, TimeZone = v.TimeZone, DateFormat = v.DateFormat,
            ThousandsSeparator = v.ThousandsSeparator, DecimalSeparator = v.DecimalSeparator,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await save.RunAsync(HttpContext.Actor(), new LocalisationSettingsInput(Input.DefaultLanguage, Input.TimeZone, Input.DateFormat,
            Input.ThousandsSeparator, Input.DecimalSeparator), cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/settings/localisation?saved=true");
        }

        if (result.Outcome == Outcome.Forbidden)
        {
            return Forbid();
        }

        result.CopyTo(ModelState);
        return Page();
    }

    public sealed class LocalisationForm
    {
        [Display(Name = "Default language")]
        public string? DefaultLanguage { get; set; }

        [Display(Name = "Time zone")]
        public string? TimeZone { get; set; }

        [Display(Name = "Date format")]
        public string? DateFormat { get; set; }

        [Display(Name = "Thousands separator")]
        public string? ThousandsSeparator { get; set; }

        [Display(Name = "Decimal separator")]
        public string? DecimalSeparator { get; set; }
    }
}
