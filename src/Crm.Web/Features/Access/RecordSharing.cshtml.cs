using Crm.Web.Records;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Access;

/// <summary>
/// <c>/sharing/{module}/{id}</c>, linked from every record page's header: the record's shares, a form
/// to add one (for who may share) and who has access and why. The same use cases as the API.
/// </summary>
public sealed class RecordSharingPage(ListRecordShares list, ShareRecord share, RemoveRecordShare remove, SharedRecords records, TimeProvider clock) : PageModel
{
    public RecordSharing View { get; private set; } = null!;

    public ShareTargets Targets { get; private set; } = null!;

    /// <summary>"user:{guid}", "group:{id}", "role:{id}", "role-below:{id}" or "department:{id}".</summary>
    [BindProperty]
    public string? ShareWith { get; set; }

    [BindProperty]
    public string? Access { get; set; } = "read";

    /// <summary>The last day the share counts (it ends at midnight UTC after it).</summary>
    [BindProperty]
    public DateOnly? EndsOn { get; set; }

    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string module, int id, bool done, CancellationToken cancellationToken)
    {
        Done = done;
        return await LoadAsync(module, id, cancellationToken) ? Page() : NotFound();
    }

    /// <summary>What the share in the form would change, shown above it; nothing is saved.</summary>
    public SharePreview? Preview { get; private set; }

    public async Task<IActionResult> OnPostAsync(string module, int id, CancellationToken cancellationToken)
    {
        var result = await share.RunAsync(HttpContext.Actor(), module, id, Read(), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/sharing/{module}/{id}?done=true");
        }

        return await RefusedAsync(module, id, result, cancellationToken);
    }

    public async Task<IActionResult> OnPostPreviewAsync(string module, int id, CancellationToken cancellationToken)
    {
        var result = await share.PreviewAsync(HttpContext.Actor(), module, id, Read(), cancellationToken);
        if (result.IsOk)
        {
            Preview = result.Value;
            return await LoadAsync(module, id, cancellationToken) ? Page() : NotFound();
        }

        return await RefusedAsync(module, id, result, cancellationToken);
    }

    private async Task<IActionResult> RefusedAsync(string module, int id, Web.Result result, CancellationToken cancellationToken)
    {
        if (result.Outcome == Web.Outcome.NotFound)
        {
            return NotFound();
        }

        // The form has one control for the four target IDs.
        foreach (var (field, messages) in result.Errors)
        {
            var key = field switch
            {
                "userId" or "groupId" or "roleId" or "departmentId" or "target" or "withSubordinates" => nameof(ShareWith),
                "endsAt" => nameof(EndsOn),
                "access" => nameof(Access),
                _ => "",
            };
            foreach (var message in messages)
            {
                ModelState.AddModelError(key, message);
            }
        }

        if (result.Outcome is not Web.Outcome.Invalid && result.Message is not null)
        {
            ModelState.AddModelError("", result.Message);
        }

        return await LoadAsync(module, id, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string module, int id, long shareId, CancellationToken cancellationToken)
    {
        var result = await remove.RunAsync(HttpContext.Actor(), module, id, shareId, cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/sharing/{module}/{id}?done=true");
        }

        if (result.Outcome == Web.Outcome.NotFound)
        {
            return NotFound();
        }

        ModelState.AddModelError("", result.Message ?? "The share could not be removed.");
        return await LoadAsync(module, id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(string module, int id, CancellationToken cancellationToken)
    {
        var found = await list.RunAsync(HttpContext.Actor(), module, id, withAccess: true, cancellationToken);
        if (!found.IsOk)
        {
            return false;
        }

        View = found.Value;
        Targets = View.MayShare ? await records.TargetsAsync(cancellationToken) : new ShareTargets([], [], [], []);
        return true;
    }

    private ShareInput Read()
    {
        var choice = SharingChoice.Parse(ShareWith);
        // The last day chosen counts whole: the share ends at midnight UTC after it.
        DateTime? ends = EndsOn is { } day ? day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : null;
        return new ShareInput(choice.UserId, choice.GroupId, choice.RoleId, choice.RoleId is null ? null : choice.WithSubordinates, choice.DepartmentId, Access, ends);
    }

    public string? Error(string field) => ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0
        ? string.Join(" ", entry.Errors.Select(e => e.ErrorMessage))
        : null;

    public DateTime Now => clock.GetUtcNow().UtcDateTime;
}
