using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Gdpr;

/// <summary><c>/admin/gdpr/{id}/edit</c>: changes a request; setting a closed one back to open or in progress reopens it.</summary>
public sealed class EditGdprRequestPage(CrmDb db, ReadGdprRequest read, EditGdprRequest edit) : GdprRequestFormPage(db)
{
    public int Id { get; private set; }

    public override string SubmitText => "Save request";

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!result.IsOk)
        {
            return result.Outcome == Outcome.Forbidden ? Forbid() : NotFound();
        }

        Id = id;
        Input = GdprRequestInput.Of(result.Value);
        ClosedStatus = GdprStatuses.IsClosed(result.Value.Status) ? result.Value.Status : null;
        await LoadReceiversAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await edit.RunAsync(HttpContext.Actor(), id, Input, cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/gdpr/{id}");
        }

        if (result.Outcome is Outcome.NotFound or Outcome.Forbidden)
        {
            return result.Outcome == Outcome.Forbidden ? Forbid() : NotFound();
        }

        var current = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!current.IsOk)
        {
            return NotFound();
        }

        Id = id;
        ClosedStatus = GdprStatuses.IsClosed(current.Value.Status) ? current.Value.Status : null;
        result.CopyTo(ModelState);
        await LoadReceiversAsync(cancellationToken);
        return Page();
    }
}
