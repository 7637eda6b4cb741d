using Crm.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>A user who may be named as having received a request.</summary>
public sealed record GdprReceiver(Guid Id, string Name);

/// <summary>What the new and edit pages of a request share: the bound input and the users to choose "received by" from.</summary>
public abstract class GdprRequestFormPage(CrmDb db) : PageModel
{
    [BindProperty]
    public GdprRequestInput Input { get; set; } = new();

    public IReadOnlyList<GdprReceiver> Receivers { get; private set; } = [];

    /// <summary>The closed status of the request being edited, offered beside open and in progress; null for a new or open request.</summary>
    public string? ClosedStatus { get; protected set; }

    public abstract string SubmitText { get; }

    /// <summary>Active users, and the one named on the request even if deactivated since.</summary>
    protected async Task LoadReceiversAsync(CancellationToken cancellationToken)
    {
        var current = Input.ReceivedById;
        Receivers = await db.Users.AsNoTracking().Where(u => u.IsActive || u.Id == current)
            .OrderBy(u => u.FullName).ThenBy(u => u.Email)
            .Select(u => new GdprReceiver(u.Id, u.FullName == "" ? u.Email ?? "" : u.FullName))
            .ToListAsync(cancellationToken);
    }
}
