using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Email;

/// <summary>The email queue: counts, troubled messages, and retry / process all / discard (administrators, by the /admin convention).</summary>
public sealed class EmailQueuePage(ReadEmailQueueState read, RetryEmail retry, DiscardEmail discard, ProcessAllEmails processAll) : PageModel
{
    public EmailQueueView Queue { get; private set; } = new(new(0, 0, 0, 0, 0), [], []);

    /// <summary>What was just done, to say so.</summary>
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, int? count, CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Queue = result.Value;
        Notice = done switch
        {
            "retried" => "The email is due now and is being sent.",
            "discarded" => "The email is discarded: it will not be sent.",
            "processed" => $"{count ?? 0} email(s) are due now and being sent.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken cancellationToken) =>
        After(await retry.RunAsync(HttpContext.Actor(), id, cancellationToken), "/admin/email-queue?done=retried");

    public async Task<IActionResult> OnPostDiscardAsync(Guid id, CancellationToken cancellationToken) =>
        After(await discard.RunAsync(HttpContext.Actor(), id, cancellationToken), "/admin/email-queue?done=discarded");

    public async Task<IActionResult> OnPostProcessAllAsync(CancellationToken cancellationToken)
    {
        var result = await processAll.RunAsync(HttpContext.Actor(), cancellationToken);
        return After(result, $"/admin/email-queue?done=processed&count={result.Value?.Count ?? 0}");
    }

    private IActionResult After<T>(Result<T> result, string redirect) => result.Outcome switch
    {
        Outcome.Ok => Redirect(redirect),
        Outcome.NotFound => NotFound(),
        // A message sent meanwhile: the list is simply out of date, show it again.
        Outcome.Conflict => Redirect("/admin/email-queue"),
        _ => Forbid(),
    };
}
