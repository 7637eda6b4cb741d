using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Gdpr;

/// <summary><c>/admin/gdpr/new</c>: registers a request (received today, by the administrator, unless changed).</summary>
public sealed class NewGdprRequestPage(CrmDb db, CreateGdprRequest create, GdprDeadlines deadlines) : GdprRequestFormPage(db)
{
    public override string SubmitText => "Register request";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Input = new GdprRequestInput
        {
            ReceivedOn = (await deadlines.TodayAsync(cancellationToken)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ReceivedById = HttpContext.Actor().UserId,
            Status = GdprStatuses.Open,
        };
        await LoadReceiversAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await create.RunAsync(HttpContext.Actor(), Input, cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/gdpr/{result.Value.Id}");
        }

        result.CopyTo(ModelState);
        await LoadReceiversAsync(cancellationToken);
        return Page();
    }
}
