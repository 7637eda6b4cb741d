using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Crm.Web.Web;

/// <summary>
/// A post to a page that names a handler the page does not have (or none, where the page has only
/// named ones) is a 404. Left to itself, Razor Pages would render the page without running any
/// handler, and so without the data its GET handler loads: an error (500) on most pages.
/// </summary>
public sealed class UnknownPageHandlers : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HandlerMethod is null && !HttpMethods.IsGet(context.HttpContext.Request.Method) && !HttpMethods.IsHead(context.HttpContext.Request.Method))
        {
            context.Result = new NotFoundResult();
        }
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
