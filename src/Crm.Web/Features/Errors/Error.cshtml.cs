using Crm.Web.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Errors;

/// <summary>
/// The one error page for status codes and unhandled exceptions. It says what happened in plain
/// words and gives the request id; it never shows an exception, a path or a stack trace.
/// API callers get the same as ProblemDetails.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken] // re-executed for failed POSTs, including ones that failed antiforgery
public sealed class ErrorPage : PageModel
{
    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";
    public string RequestId { get; private set; } = "";

    public Task<IActionResult> OnGetAsync(int? code) => Handle(code);
    public Task<IActionResult> OnPostAsync(int? code) => Handle(code);

    // A status re-executed from an API PUT, PATCH or DELETE comes here with that method: without a
    // handler for it the page would render its HTML instead of the API's problem details.
    public Task<IActionResult> OnPutAsync(int? code) => Handle(code);
    public Task<IActionResult> OnPatchAsync(int? code) => Handle(code);
    public Task<IActionResult> OnDeleteAsync(int? code) => Handle(code);

    private async Task<IActionResult> Handle(int? code)
    {
        var failed = HttpContext.Features.Get<IExceptionHandlerFeature>() is not null;
        Code = failed ? 500 : code is >= 400 and < 600 ? code.Value : 404;
        RequestId = HttpContext.TraceIdentifier;
        (Title, Explanation) = Describe(Code);
        if (HttpContext.Items[MalformedRequests.RefusalExplanation] is string explanation)
        {
            Explanation = explanation; // the refusal knew more than its status code says
        }

        var originalPath = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath
            ?? HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path;
        if (originalPath is not null && originalPath.StartsWith("/api/", StringComparison.Ordinal))
        {
            await Results.Problem(statusCode: Code, title: Title, detail: Explanation,
                extensions: new Dictionary<string, object?> { ["requestId"] = RequestId }).ExecuteAsync(HttpContext);
            return new EmptyResult();
        }

        Response.StatusCode = Code;
        return Page();
    }

    public static (string Title, string Explanation) Describe(int statusCode) => statusCode switch
    {
        400 => ("The request could not be processed", "The form may have expired or been sent twice. Go back, reload the page and try again."),
        401 => ("Please sign in", "You need to sign in to see this page."),
        403 => ("Access denied", "Your role does not allow this. If you need it, ask your administrator."),
        404 => ("Not found", "There is nothing here, or you do not have access to it."),
        405 => ("Not allowed", "This address does not accept that kind of request."),
        409 => ("Conflict", "Someone else changed this in the meantime. Reload and try again."),
        413 => ("Too large", "What you sent is larger than allowed."),
        429 => ("Too many requests", "Please wait a moment before trying again."),
        _ when statusCode >= 500 => ("Something went wrong", "The CRM could not complete the request. Nothing was changed. Try again; if it keeps happening, tell your administrator."),
        _ => ("The request could not be processed", "Go back and try again."),
    };
}
