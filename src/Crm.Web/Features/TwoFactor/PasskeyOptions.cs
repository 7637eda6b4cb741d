using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.TwoFactor;

/// <summary>How the pages answer passkeys.js when it asks for a ceremony's options.</summary>
public static class PasskeyOptions
{
    /// <summary>The options as Identity's handler wrote them (JSON), or the messages as <c>{ message, errors }</c> with the outcome's status.</summary>
    public static IActionResult Answer(Result<string> result, HttpResponse response)
    {
        // Options carry a fresh challenge: never from a cache.
        response.Headers.CacheControl = "no-store";
        if (result.IsOk)
        {
            return new ContentResult { Content = result.Value, ContentType = "application/json", StatusCode = StatusCodes.Status200OK };
        }

        var status = result.Outcome switch
        {
            Outcome.Forbidden => StatusCodes.Status403Forbidden,
            Outcome.NotFound => StatusCodes.Status404NotFound,
            Outcome.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        return new JsonResult(new { message = result.Message, errors = result.Errors }) { StatusCode = status };
    }
}
