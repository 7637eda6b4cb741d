using System.Collections;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Records;

/// <summary>
/// The pages' side of the rule for linked records, enumerated from the page endpoints as the API
/// side is from the route handlers: every value a page binds (a bound property, a field of its
/// form model, a handler parameter) that names a record is sent once with one of alice's records
/// and once with an id no record has. A GET answers the same page text; a form POST the same status
/// and the same validation messages; and in the end nothing of alice's changed. Bob's own record
/// stands in for an edit page's {id}. A bound value with an integer type this test cannot place
/// fails it, so a new form field that names a record is covered or the test says so.
/// </summary>
[Slow]
public sealed class LinkedRecordPageFormTests
{
    private const string Missing = "987654";

    /// <summary>Bound names that name a record, and its module (null: the module is in a sibling "RelatedModule"; empty: the page's own).</summary>
    private static readonly Dictionary<string, string?> s_links = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CompanyId"] = "companies", ["ContactId"] = "contacts", ["ParentId"] = "tasks", ["ExistingCompanyId"] = "companies",
        ["RelatedId"] = null, ["Ids"] = "", ["Selected"] = "", ["LeadId"] = "leads", ["DealId"] = "deals", ["CategoryId"] = "vault-categories",
    };

    /// <summary>Integer values pages bind that are not record ids.</summary>
    private static readonly HashSet<string> s_notLinks = new(StringComparer.OrdinalIgnoreCase)
    {
        "PageSize", "Version", "Port", "SmtpPort", "RatePerMinute", "Probability", "CountryId", "SendingAccountId", "Code",
        "ValidForDays", "MinimumLength", "Days", "Hours", "Minutes", "Position", "Year", "Month", "Step", "Id", "Length",
    };

    /// <summary>Bob's own record per module, to stand in for an edit page's {id}.</summary>
    private static readonly Dictionary<string, string> s_bobs = new(StringComparer.Ordinal)
    {
        ["companies"] = "bobCompany", ["contacts"] = "bobContactAtAlices", ["deals"] = "bobDealAtAlices", ["emails"] = "bobEmailAboutAlices",
        ["tasks"] = "bobTaskUnderAlices", ["memos"] = "bobMemo",
    };

    [Theory]
    [MemberData(nameof(LinkedRecordScopeTests.Scopes), MemberType = typeof(LinkedRecordScopeTests))]
    public async Task Every_page_value_that_names_a_record_answers_for_a_hidden_one_as_for_a_missing_one(Scope scope)
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, scope);
        var hidden = LinkedRecordWorld.Hidden.GroupBy(h => h.Module)
            .ToDictionary(g => g.Key, g => g.Select(h => w[h.Name].ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var before = await w.SnapshotAsync();
        var bob = await app.SignInAsync("bob@crm.test", Password);
        var uncovered = new List<string>();
        var compared = 0;

        _ = app.Server;
        var loader = app.Services.GetRequiredService<PageLoader>();
        var pages = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Crm.Web.Security.Policies.Administrator))
            .ToList();
        foreach (var endpoint in pages)
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var module = route.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            var parameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            if (parameters.Any(p => p != "id") || (parameters.Count == 1 && !s_bobs.ContainsKey(module)))
            {
                continue; // a route of other ids: its ids are the scope test's; here only the values a page binds
            }

            var url = parameters.Count == 1 ? Regex.Replace(route, @"\{id(:[^}?]+)?\??\}", w[s_bobs[module]].ToString(System.Globalization.CultureInfo.InvariantCulture)) : route;
            var compiled = await loader.LoadAsync(endpoint.Metadata.GetMetadata<PageActionDescriptor>()!, endpoint.Metadata);
            foreach (var (name, linked, onGet, onPost) in BoundLinks(compiled, uncovered, route, module))
            {
                foreach (var (target, ids) in linked is null ? hidden.Where(h => h.Key != "files") : hidden.Where(h => h.Key == linked))
                {
                    var moduleField = name.Contains('.', StringComparison.Ordinal) ? name[..(name.LastIndexOf('.') + 1)] + "RelatedModule" : "relatedModule";
                    foreach (var id in ids)
                    {
                        if (onGet)
                        {
                            var extra = linked is null ? $"&{moduleField}={target}" : "";
                            var shown = await TextAsync(bob, $"{url}?{name}={id}{extra}");
                            var missing = await TextAsync(bob, $"{url}?{name}={Missing}{extra}");
                            compared++;
                            Assert.True(shown.Status == missing.Status, $"GET {url}?{name}={id} answered {shown.Status}, but with {Missing} {missing.Status}");
                            Assert.True(Hide(shown.Text, id) == missing.Text, $"GET {url}?{name}={id} shows other text than with {Missing}:\n{shown.Text}\n----\n{missing.Text}");
                        }

                        if (onPost)
                        {
                            var (page, document) = await bob.GetPageAsync(url);
                            if (page.StatusCode != HttpStatusCode.OK || document.QuerySelectorAll("main form[method=post]").Length == 0)
                            {
                                continue; // bob may not use this form at all: the scope test compares its status
                            }

                            var form = document.QuerySelector($"main form[method=post]:has([name='{name}'])") is not null ? $"main form[method=post]:has([name='{name}'])" : null;
                            Dictionary<string, string> Values(string value) => linked is null
                                ? new() { [name] = value, [moduleField] = target }
                                : new() { [name] = value };
                            var a = await bob.SubmitAsync(document, Values(id), form);
                            var b = await bob.SubmitAsync(document, Values(Missing), form);
                            compared++;
                            Assert.True(a.StatusCode == b.StatusCode, $"POST {url} with {name}={id} answered {(int)a.StatusCode}, but with {Missing} {(int)b.StatusCode}");
                            // The same messages, or the same once the hidden id reads as the missing one (a count may equal the id).
                            var messagesA = string.Join(" | ", (await PageClient.ParseAsync(await a.Content.ReadAsStringAsync())).ValidationMessages());
                            var messagesB = string.Join(" | ", (await PageClient.ParseAsync(await b.Content.ReadAsStringAsync())).ValidationMessages());
                            Assert.True(messagesA == messagesB || Hide(messagesA, id) == messagesB,
                                $"POST {url} with {name}={id} says \"{messagesA}\", with {Missing} \"{messagesB}\"");
                        }
                    }
                }
            }
        }

        Assert.Empty(uncovered);
        Assert.True(compared > 20, $"only {compared} comparisons");
        var after = await w.SnapshotAsync();
        foreach (var (key, state) in w.Alices(before))
        {
            Assert.True(after.TryGetValue(key, out var now), $"{key} of alice's was deleted");
            Assert.True(state == now, $"{key} of alice's changed: {state} → {now}");
        }
    }

    /// <summary>
    /// The record-naming values a page binds: its bound properties (and the fields of a bound form
    /// model, as "Input.CompanyId") and its handlers' parameters, with whether a GET or a POST takes them.
    /// </summary>
    private static IEnumerable<(string Name, string? Module, bool OnGet, bool OnPost)> BoundLinks(CompiledPageActionDescriptor page, List<string> uncovered, string route, string pageModule)
    {
        var found = new List<(string, string?, bool, bool)>();
        void Consider(string name, Type type, bool onGet, bool onPost, int depth)
        {
            var element = Nullable.GetUnderlyingType(type) ?? type;
            var leaf = name[(name.LastIndexOf('.') + 1)..];
            var isIds = element != typeof(string) && element.IsAssignableTo(typeof(IEnumerable))
                && (element.IsArray ? element.GetElementType() : element.IsGenericType ? element.GetGenericArguments()[0] : null) == typeof(int);
            if (element == typeof(int) || isIds)
            {
                if (s_notLinks.Contains(leaf))
                {
                    return;
                }

                if (s_links.TryGetValue(leaf, out var module) || (isIds && s_links.TryGetValue(leaf.TrimEnd('s'), out module)))
                {
                    found.Add((name, module == "" ? pageModule : module, onGet, onPost));
                }
                else
                {
                    uncovered.Add($"{route}: bound value '{name}'");
                }

                return;
            }

            if (depth == 0 && element.IsClass && element != typeof(string) && !element.IsAssignableTo(typeof(IEnumerable)) && element.Namespace?.StartsWith("Crm.", StringComparison.Ordinal) == true)
            {
                foreach (var property in element.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                {
                    Consider($"{name}.{property.Name}", property.PropertyType, onGet, onPost, depth + 1);
                }
            }
        }

        var posts = page.HandlerMethods.Any(h => h.HttpMethod.Equals("Post", StringComparison.OrdinalIgnoreCase));
        foreach (var property in page.BoundProperties.OfType<PageBoundPropertyDescriptor>())
        {
            var supportsGet = property.Property.GetCustomAttribute<BindPropertyAttribute>()?.SupportsGet == true
                || page.ModelTypeInfo!.GetCustomAttribute<BindPropertiesAttribute>()?.SupportsGet == true;
            Consider(property.Name, property.ParameterType, supportsGet, posts, 0);
        }

        foreach (var handler in page.HandlerMethods)
        {
            var onGet = handler.HttpMethod.Equals("Get", StringComparison.OrdinalIgnoreCase);
            foreach (var parameter in handler.Parameters.Where(p => p.ParameterType != typeof(CancellationToken) && p.Name != "id"))
            {
                Consider(parameter.Name, parameter.ParameterType, onGet, !onGet, 0);
            }
        }

        return found.Distinct();
    }

    private static string Hide(string text, string id) => Regex.Replace(text, $@"(?<![\w.-]){Regex.Escape(id)}(?![\w.-])", Missing);

    private static async Task<(HttpStatusCode Status, string Text)> TextAsync(PageClient client, string url)
    {
        var (response, document) = await client.GetPageAsync(url);
        var main = document.QuerySelector("main")?.TextContent ?? "";
        return (response.StatusCode, Regex.Replace(Regex.Replace(main, @"Request ID: \S+", ""), @"\s+", " ").Trim());
    }
}
