using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// Drives the Razor pages the way a browser without JavaScript would: fetches a page, fills its
/// form by field name, and posts it back with the hidden fields (the antiforgery token included).
/// </summary>
public sealed class PageClient(HttpClient http, CookieJar cookies) : IDisposable
{
    private static readonly IBrowsingContext s_parser = BrowsingContext.New(Configuration.Default);

    public HttpClient Http { get; } = http;

    /// <summary>The cookies this "browser" holds; tests may copy them to play an attacker.</summary>
    public CookieContainer Cookies => cookies.Container;

    public async Task<(HttpResponseMessage Response, IDocument Document)> GetPageAsync(string url)
    {
        var response = await Http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        var document = await s_parser.OpenAsync(r => r.Content(html).Address(new Uri(Http.BaseAddress!, url)));
        return (response, document);
    }

    public static Task<IDocument> ParseAsync(string html) => s_parser.OpenAsync(r => r.Content(html));

    /// <summary>GETs <paramref name="url"/>, fills the form (the first one with method post, or <paramref name="formSelector"/>) and submits it.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string url, Dictionary<string, string> values, string? formSelector = null)
    {
        var (response, document) = await GetPageAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}");
        return await SubmitAsync(document, values, formSelector);
    }

    public async Task<HttpResponseMessage> SubmitAsync(IDocument document, Dictionary<string, string> values, string? formSelector = null)
    {
        var form = (formSelector is null
            ? document.QuerySelectorAll<IHtmlFormElement>("main form").FirstOrDefault(f => f.Method.Equals("post", StringComparison.OrdinalIgnoreCase))
            : document.QuerySelector<IHtmlFormElement>(formSelector))
            ?? throw new InvalidOperationException($"No form found on {document.Url}");

        var fields = new List<KeyValuePair<string, string>>();
        foreach (var input in form.QuerySelectorAll<IHtmlInputElement>("input[name]"))
        {
            if (input.Type is "checkbox" or "radio" && !input.IsChecked)
            {
                continue;
            }

            fields.Add(new(input.Name!, values.Remove(input.Name!, out var given) ? given : input.Value));
        }

        fields.AddRange(values);
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? new Uri(document.Url).PathAndQuery : form.GetAttribute("action")!;
        using var content = new FormUrlEncodedContent(fields);
        return await Http.PostAsync(action, content);
    }

    /// <summary>Follows redirects from <paramref name="response"/> and returns the final page.</summary>
    public async Task<(HttpResponseMessage Response, IDocument Document)> FollowAsync(HttpResponseMessage response)
    {
        var hops = 0;
        while (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther && hops++ < 10)
        {
            var location = response.Headers.Location!.ToString();
            var next = await GetPageAsync(location);
            if (next.Response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
            {
                return next;
            }

            response = next.Response;
        }

        var html = await response.Content.ReadAsStringAsync();
        return (response, await s_parser.OpenAsync(r => r.Content(html)));
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>Keeps cookies like a browser, in a container the test can read and copy.</summary>
public sealed class CookieJar : DelegatingHandler
{
    public CookieContainer Container { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var header = Container.GetCookieHeader(request.RequestUri!);
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                Container.SetCookies(request.RequestUri!, setCookie);
            }
        }

        return response;
    }
}

public static class DocumentExtensions
{
    /// <summary>All validation messages shown on the page (summary and per field).</summary>
    public static IReadOnlyList<string> ValidationMessages(this IDocument document) =>
        document.QuerySelectorAll(".validation-summary-errors li, .field-validation-error")
            .Select(e => e.TextContent.Trim()).Where(t => t.Length > 0).ToList();

    public static string? FieldError(this IDocument document, string field) =>
        document.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent.Trim() is { Length: > 0 } text ? text : null;
}
