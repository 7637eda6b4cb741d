using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.CustomFields;

/// <summary>
/// <c>/admin/custom-fields/new</c> and <c>/admin/custom-fields/{id}/edit</c>: a field's definition,
/// and on an existing field its delete, which says first how many records hold a value.
/// </summary>
public sealed class CustomFieldFormPage(ListCustomFields list, SaveCustomField save, DeleteCustomField delete) : PageModel
{
    [BindProperty]
    public CustomFieldForm Input { get; set; } = new();

    public int? Id { get; private set; }

    /// <summary>The field as stored (null for a new one): its module and key are shown, not edited.</summary>
    public CustomFieldView? Field { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? id, string? module, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            if (!await LoadAsync(existing, cancellationToken))
            {
                return NotFound();
            }

            Input = CustomFieldForm.Of(Field!);
        }
        else
        {
            Input = new CustomFieldForm { Module = CustomFieldModules.Find(module)?.Key, Type = CustomFieldTypes.Text, Width = CustomFieldWidths.Half };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        var result = await save.RunAsync(HttpContext.Actor(), id, Input.ToInput(), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/custom-fields?module={result.Value.Module}");
        }

        return await ShowAsync(id, result, cancellationToken);
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        Id = id;
        var result = await delete.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/custom-fields");
        }

        return await ShowAsync(id, result, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(int? id, Result result, CancellationToken cancellationToken)
    {
        if (result.Outcome == Outcome.NotFound || (id is { } existing && !await LoadAsync(existing, cancellationToken)))
        {
            return NotFound();
        }

        result.CopyTo(ModelState);
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var found = await list.ReadAsync(HttpContext.Actor(), id, cancellationToken);
        Field = found.IsOk ? found.Value : null;
        return Field is not null;
    }
}
