using System.ComponentModel.DataAnnotations;
using Crm.Web.Features.Account;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Settings;

/// <summary>The SMTP settings form. The password field is always empty: the page only says whether one is set.</summary>
public sealed class EmailSettingsPage(ReadSmtpSettings read, SaveSmtpSettings save, FreshSignIn freshSignIn) : PageModel
{
    [BindProperty]
    public SmtpForm Input { get; set; } = new();

    public SmtpSettingsView Current { get; private set; } = null!;

    public bool Saved { get; private set; }

    /// <summary>The session is older than 10 minutes: the form asks for the password.</summary>
    public bool NeedsPassword { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool? saved, CancellationToken cancellationToken)
    {
        var current = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!current.IsOk)
        {
            return Forbid();
        }

        Current = current.Value;
        Saved = saved == true;
        NeedsPassword = await freshSignIn.NeedsPasswordAsync(cancellationToken);
        Input = new SmtpForm
        {
            Host = Current.Host,
            Port = Current.Source == "none" ? 587 : Current.Port,
            Security = Current.Security,
            From = Current.From,
            UserName = Current.UserName,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await save.RunAsync(HttpContext.Actor(), new SmtpSettingsInput(Input.Host, Input.Port, Input.Security, Input.From,
                Input.UserName, Input.Password, Input.ClearPassword, Input.CurrentPassword), cancellationToken);
            if (result.IsOk)
            {
                return Redirect("/admin/settings/email?saved=true");
            }

            if (result.Outcome == Outcome.Forbidden)
            {
                return Forbid();
            }

            result.CopyTo(ModelState);
        }

        // The typed passwords are never sent back to the browser.
        Input.Password = null;
        Input.CurrentPassword = null;
        NeedsPassword = await freshSignIn.NeedsPasswordAsync(cancellationToken);
        var current = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!current.IsOk)
        {
            return Forbid();
        }

        Current = current.Value;
        return Page();
    }

    public sealed class SmtpForm
    {
        [Display(Name = "Host")]
        public string? Host { get; set; }

        [Display(Name = "Port")]
        public int? Port { get; set; }

        [Display(Name = "Security")]
        public string? Security { get; set; }

        [Display(Name = "From address")]
        public string? From { get; set; }

        [Display(Name = "User name")]
        public string? UserName { get; set; }

        [Display(Name = "Password")]
        public string? Password { get; set; }

        [Display(Name = "Clear the stored password")]
        public bool ClearPassword { get; set; }

        public string? CurrentPassword { get; set; }
    }
}
