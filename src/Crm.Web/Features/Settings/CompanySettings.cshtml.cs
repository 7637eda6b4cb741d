using System.ComponentModel.DataAnnotations;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Settings;

/// <summary>The company's name, address and images (uploaded as files).</summary>
public sealed class CompanySettingsPage(ReadCompanySettings read, SaveCompanySettings save) : PageModel
{
    [BindProperty]
    public CompanyForm Input { get; set; } = new();

    public CompanySettingsView Current { get; private set; } = null!;

    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool? saved, CancellationToken cancellationToken)
    {
        var current = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!current.IsOk)
        {
            return Forbid();
        }

        Current = current.Value;
        Saved = saved == true;
        Input = new CompanyForm { Name = Current.Name, Address = Current.Address, DocumentLogoWidth = Current.DocumentLogoWidth };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await save.RunAsync(HttpContext.Actor(), new CompanySettingsInput(Input.Name, Input.Address, Input.DocumentLogoWidth,
                await ReadAsync(Input.LogoLight, Input.RemoveLogoLight, cancellationToken),
                await ReadAsync(Input.LogoDark, Input.RemoveLogoDark, cancellationToken),
                await ReadAsync(Input.Favicon, Input.RemoveFavicon, cancellationToken)), cancellationToken);
            if (result.IsOk)
            {
                return Redirect("/admin/settings/company?saved=true");
            }

            if (result.Outcome == Outcome.Forbidden)
            {
                return Forbid();
            }

            result.CopyTo(ModelState);
        }

        var current = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!current.IsOk)
        {
            return Forbid();
        }

        Current = current.Value;
        return Page();
    }

    /// <summary>Reads an upload into memory, but never more than the limit allows: an oversized file arrives without its bytes.</summary>
    private static async Task<ImageChange> ReadAsync(IFormFile? file, bool remove, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return new ImageChange(null, 0, remove);
        }

        if (file.Length > PngImage.MaxBytes)
        {
            return new ImageChange(null, file.Length, remove);
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        return new ImageChange(buffer.ToArray(), file.Length, remove);
    }

    public sealed class CompanyForm
    {
        [Display(Name = "Company name")]
        public string? Name { get; set; }

        [Display(Name = "Address")]
        public string? Address { get; set; }

        [Display(Name = "Logo width on documents")]
        public int? DocumentLogoWidth { get; set; }

        [Display(Name = "Logo for light mode")]
        public IFormFile? LogoLight { get; set; }

        [Display(Name = "Logo for dark mode")]
        public IFormFile? LogoDark { get; set; }

        [Display(Name = "Favicon")]
        public IFormFile? Favicon { get; set; }

        public bool RemoveLogoLight { get; set; }
        public bool RemoveLogoDark { get; set; }
        public bool RemoveFavicon { get; set; }
    }
}
