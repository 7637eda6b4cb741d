using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Web;

/// <summary>
/// The generated twin of <see cref="BadInputTests"/>: hostile values (a script, a spreadsheet
/// formula, 5,000 characters, control characters, values of the wrong type) go into every field of
/// every page form and every API create and update, all found by enumeration (the page endpoints
/// and their forms as the signed-in administrator sees them; the API's write operations and their
/// bodies from its OpenAPI document). Every answer is a refusal naming the field, or a clean save:
/// never a 500, never a refusal that wrote something (the audit trail counts every write), never
/// the script echoed as markup. A form or route whose {id} the test cannot fill fails it, so a new
/// one is covered or the test says so.
/// </summary>
[Slow]
[Trait(TestLanes.Database, TestLanes.PostgresOnly)]
public sealed class HostileInputTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Formula = "=HYPERLINK(\"http://x\",\"y\")";
    private const string Control = "a\u0007b\u001bc\u0001d";

    // A NUL apart: the framework refuses a form that holds one before any page sees it.
    private const string Nul = "a\u0000b";
    private const string NotANumber = "abc";
    private static readonly string s_long = string.Concat(Enumerable.Repeat("long text ", 500));

    private static readonly (string Kind, string Value)[] s_texts =
    [
        ("a script", Script), ("a formula", Formula), ("5,000 characters", s_long), ("control characters", Control), ("a NUL character", Nul),
    ];

    /// <summary>Input types that take free text; the other typed inputs (number, date, ...) take a value of a type.</summary>
    private static readonly HashSet<string> s_textInputs = new(StringComparer.OrdinalIgnoreCase) { "text", "search", "email", "tel", "url", "password", "" };

    private static readonly HashSet<string> s_typedInputs = new(StringComparer.OrdinalIgnoreCase) { "number", "date", "datetime-local", "time", "month", "week", "range" };

    [Fact]
    public async Task Every_form_refuses_hostile_values_by_field_or_saves_them_as_harmless_text()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var world = await HostileWorld.CreateAsync(app, admin);
        _ = app.Server;
        var pages = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .GroupBy(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .ToDictionary(g => g.Key, g => g.First().Metadata.GetRequiredMetadata<PageActionDescriptor>());
        var routes = pages.Keys.Order(StringComparer.Ordinal).ToList();
        var loader = app.Services.GetRequiredService<PageLoader>();

        var failures = new List<string>();
        var notExercised = new List<string>();
        var forms = 0;
        var saved = 0;
        foreach (var route in routes)
        {
            if (Fill(route, world) is not { } url)
            {
                notExercised.Add(route);
                continue;
            }

            var (page, document) = await admin.GetPageAsync(url);
            if (page.StatusCode != HttpStatusCode.OK)
            {
                continue; // a page that answers a GET with a redirect or a refusal shows no form to fill
            }

            // A post naming a handler the page does not have runs none: a 404, not the page rendered
            // without its data. (A page with an unnamed post handler runs that one instead, by Razor
            // Pages' design; it is the page's own form, which the loop below submits.)
            var handlers = (await loader.LoadAsync(pages[route], EndpointMetadataCollection.Empty)).HandlerMethods;
            if (!handlers.Any(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase) && h.Name is null)
                && document.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value") is { } token)
            {
                using var unknown = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
                var answer = await admin.Http.PostAsync(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "handler=no-such-handler", unknown);
                if (answer.StatusCode != HttpStatusCode.NotFound)
                {
                    failures.Add($"{url} with an unknown handler: {(int)answer.StatusCode}");
                }
            }

            var count = PostForms(document).Count;
            for (var index = 0; index < count; index++)
            {
                var fields = Fields(PostForms(document)[index]);
                if (!fields.Any(f => f.Kind is FieldKind.Text or FieldKind.Typed or FieldKind.File))
                {
                    continue; // a confirmation: nothing to type in
                }

                forms++;
                foreach (var (kind, value) in s_texts)
                {
                    var outcome = await SubmitAsync(app, admin, url, index, f => f.Kind is FieldKind.Text or FieldKind.File ? value : null, $"{url} form {index + 1} with {kind}", failures);
                    saved += outcome == Outcome.Saved ? 1 : 0;
                }

                var typed = fields.Where(f => f.Kind == FieldKind.Typed).Select(f => f.Name).ToList();
                if (typed.Count > 0)
                {
                    var what = $"{url} form {index + 1} with \"{NotANumber}\" in {string.Join(", ", typed)}";
                    if (await SubmitAsync(app, admin, url, index, f => f.Kind == FieldKind.Typed ? NotANumber : null, what, failures, typed) == Outcome.Saved)
                    {
                        failures.Add($"{what}: saved");
                    }
                }
            }
        }

        Assert.True(notExercised.Count == 0, "Pages whose {id} this test cannot fill (add a record of their kind to HostileWorld):\n" + string.Join("\n", notExercised));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(forms >= 30, $"only {forms} forms found");
        Assert.True(saved >= 10, $"only {saved} hostile values were saved; the clean-save side was hardly tested");
    }

    [Fact]
    public async Task Every_api_create_and_update_refuses_hostile_values_by_field_or_saves_them_as_harmless_text()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var world = await HostileWorld.CreateAsync(app, admin);
        using var openApi = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/openapi.json"));
        var schemas = openApi.RootElement.GetProperty("components").GetProperty("schemas");

        var failures = new List<string>();
        var notExercised = new List<string>();
        var operations = 0;
        var saved = 0;
        foreach (var path in openApi.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "post" or "put" or "patch"))
            {
                if (!operation.Value.TryGetProperty("requestBody", out var requestBody)
                    || !requestBody.GetProperty("content").TryGetProperty("application/json", out var json))
                {
                    continue; // no JSON body (an action on the route alone, an upload): MalformedBodyTests sends it bodies
                }

                if (Fill(path.Name, world) is not { } url)
                {
                    notExercised.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                    continue;
                }

                operations++;
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var (schema, isList) = Resolve(json.GetProperty("schema"), schemas);
                var properties = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => (x.Name, Type: TypeOf(x.Value, schemas))).ToList() : [];
                foreach (var (name, type) in properties)
                {
                    var cases = new List<(string Kind, JsonNode? Value, bool Wrong)>();
                    if (type == "string")
                    {
                        cases.AddRange(s_texts.Select(t => (t.Kind, (JsonNode?)JsonValue.Create(t.Value), false)));
                        cases.Add(("a number for a string", JsonValue.Create(12345), true));
                    }
                    else if (type is "integer" or "number" or "boolean" or "formatted")
                    {
                        cases.Add(($"\"{NotANumber}\" for a {type}", JsonValue.Create(NotANumber), true));
                    }

                    if (type is not ("object" or "array"))
                    {
                        cases.Add(("an object for a scalar", new JsonObject { ["x"] = 1 }, true));
                    }

                    foreach (var (kind, value, wrong) in cases)
                    {
                        var body = await BaseBodyAsync(admin, path.Value, path.Name, url, properties.Select(x => x.Name).ToHashSet(StringComparer.Ordinal), world);
                        body[name] = value?.DeepClone();
                        var content = isList ? new JsonArray(body).ToJsonString() : body.ToJsonString();
                        var what = $"{method} {url} with {kind} in {name}";
                        var before = await AuditCountAsync(app);
                        using var request = new HttpRequestMessage(method, url) { Content = ApiJson.Body(content) };
                        using var response = await admin.Http.SendAsync(request);
                        var outcome = await CheckApiAsync(app, admin, response, before, url, wrong ? name : null, what, value is JsonValue v && v.TryGetValue<string>(out var s) && s == Script, failures);
                        saved += outcome == Outcome.Saved ? 1 : 0;
                        if (wrong && outcome == Outcome.Saved)
                        {
                            failures.Add($"{what}: saved");
                        }
                    }
                }
            }
        }

        Assert.True(notExercised.Count == 0, "Routes whose parameters this test cannot fill (add a record of their kind to HostileWorld):\n" + string.Join("\n", notExercised));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(operations >= 25, $"only {operations} API writes found");
        Assert.True(saved >= 10, $"only {saved} hostile values were saved; the clean-save side was hardly tested");
    }

    private enum FieldKind
    {
        Text,
        Typed,
        File,
        Kept,
    }

    private enum Outcome
    {
        Refused,
        Saved,
        Failed,
    }

    private sealed record FormField(string Name, string Value, FieldKind Kind);

    private static List<IHtmlFormElement> PostForms(IDocument document) =>
        [.. document.QuerySelectorAll<IHtmlFormElement>("main form").Where(f => f.Method.Equals("post", StringComparison.OrdinalIgnoreCase))];

    /// <summary>What a browser would send for the form, each field with the kind of value it takes.</summary>
    private static List<FormField> Fields(IHtmlFormElement form)
    {
        var fields = new List<FormField>();
        foreach (var element in form.QuerySelectorAll("input[name], textarea[name], select[name]"))
        {
            if (element.HasAttribute("disabled"))
            {
                continue;
            }

            var name = element.GetAttribute("name")!;
            switch (element)
            {
                case IHtmlInputElement input when input.Type is "checkbox" or "radio":
                    if (input.IsChecked)
                    {
                        fields.Add(new(name, input.Value, FieldKind.Kept));
                    }

                    break;
                case IHtmlInputElement input when input.Type == "file":
                    fields.Add(new(name, "", FieldKind.File));
                    break;
                case IHtmlInputElement input when s_textInputs.Contains(input.GetAttribute("type") ?? ""):
                    fields.Add(new(name, input.Value, FieldKind.Text));
                    break;
                case IHtmlInputElement input when s_typedInputs.Contains(input.Type):
                    fields.Add(new(name, input.Value, FieldKind.Typed));
                    break;
                case IHtmlInputElement input when input.Type is "hidden":
                    fields.Add(new(name, input.Value, FieldKind.Kept));
                    break;
                case IHtmlTextAreaElement area:
                    fields.Add(new(name, area.Value, FieldKind.Text));
                    break;
                case IHtmlSelectElement select:
                    foreach (var option in select.Options.Where(o => o.IsSelected).DefaultIfEmpty(select.Options.Length > 0 ? select.Options[0] : null).OfType<IHtmlOptionElement>())
                    {
                        fields.Add(new(name, option.Value, FieldKind.Kept));
                    }

                    break;
            }
        }

        return fields;
    }

    /// <summary>Opens the page afresh (a new antiforgery token and version), fills form <paramref name="index"/> and checks the answer.</summary>
    private static async Task<Outcome> SubmitAsync(CrmApp app, PageClient client, string url, int index, Func<FormField, string?> hostile, string what,
        List<string> failures, IReadOnlyList<string>? mistyped = null)
    {
        var (_, document) = await client.GetPageAsync(url);
        var form = PostForms(document)[index];
        var fields = Fields(form);
        // Where the browser sends it when the first button is pressed: that button's own handler, else the form's action.
        var button = form.QuerySelector("button[type=submit], button:not([type]), input[type=submit]");
        var action = button?.GetAttribute("formaction") is { Length: > 0 } own ? own
            : string.IsNullOrEmpty(form.GetAttribute("action")) ? url : form.GetAttribute("action")!;
        HttpContent content;
        if (string.Equals(form.Enctype, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var multipart = new MultipartFormDataContent();
            foreach (var field in fields)
            {
                if (field.Kind == FieldKind.File)
                {
                    // The file's name is the hostile value: names are shown on pages and in lists.
                    var file = new ByteArrayContent("hostile"u8.ToArray());
                    file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
                    file.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data")
                    {
                        Name = $"\"{field.Name}\"",
                        FileNameStar = hostile(field) is { Length: > 0 } name ? name : "notes.txt",
                    };
                    multipart.Add(file);
                }
                else
                {
                    multipart.Add(new StringContent(hostile(field) ?? field.Value), field.Name);
                }
            }

            content = multipart;
        }
        else
        {
            content = new FormUrlEncodedContent(fields.Where(f => f.Kind != FieldKind.File).Select(f => new KeyValuePair<string, string>(f.Name, hostile(f) ?? f.Value)));
        }

        var before = await AuditCountAsync(app);
        using var response = await client.Http.PostAsync(action, content);
        content.Dispose();
        var html = await response.Content.ReadAsStringAsync();
        var written = await AuditCountAsync(app) != before;
        var status = (int)response.StatusCode;
        if (status >= 500 || html.Contains("   at ", StringComparison.Ordinal))
        {
            failures.Add($"{what}: {status} {app.Log.Lines.LastOrDefault(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Error)?.Exception?.Split('\n')[0]}");
            return Outcome.Failed;
        }

        if (html.Contains(Script, StringComparison.Ordinal))
        {
            failures.Add($"{what}: the script is in the answer as markup");
            return Outcome.Failed;
        }

        if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
        {
            var (_, next) = await client.FollowAsync(response);
            if (next.DocumentElement!.OuterHtml.Contains(Script, StringComparison.Ordinal) || next.QuerySelectorAll("script").Any(s => s.TextContent.Contains("alert(1)", StringComparison.Ordinal)))
            {
                failures.Add($"{what}: the page after the save shows the script as markup");
                return Outcome.Failed;
            }

            return written ? Outcome.Saved : Outcome.Refused;
        }

        if (status is >= 400 and < 500 && hostile(new FormField("", "", FieldKind.Text)) == Nul && !written)
        {
            // The framework's form reader refuses the whole form: no field to name, and nothing written.
            return Outcome.Refused;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var said = Regex.Replace((await PageClient.ParseAsync(html)).QuerySelector("main")?.TextContent ?? html, @"\s+", " ").Trim();
            failures.Add($"{what}: {status}, not the form with a message by the field: {said[..Math.Min(200, said.Length)]}");
            return Outcome.Failed;
        }

        var page = await PageClient.ParseAsync(html);
        var messages = page.ValidationMessages();
        if (messages.Count > 0 && written)
        {
            failures.Add($"{what}: refused ({string.Join(" | ", messages)}) but something was written");
            return Outcome.Failed;
        }

        if (mistyped is not null)
        {
            var silent = mistyped.Where(f => page.QuerySelector($"[data-valmsg-for='{f}']") is not null && page.FieldError(f) is null).ToList();
            if (messages.Count == 0 || silent.Count > 0)
            {
                failures.Add($"{what}: no message by {string.Join(", ", silent.DefaultIfEmpty("any field"))}");
                return Outcome.Failed;
            }
        }

        return written ? Outcome.Saved : Outcome.Refused;
    }

    /// <summary>
    /// Checks an API answer: a save, or a refusal that wrote nothing and gives field messages, for a
    /// value of the wrong type a message for <paramref name="mistyped"/> itself. (A hostile text may be
    /// refused for another field first: a body built for one field lacks what some routes require.)
    /// </summary>
    private static async Task<Outcome> CheckApiAsync(CrmApp app, PageClient client, HttpResponseMessage response, long before, string url, string? mistyped, string what,
        bool script, List<string> failures)
    {
        var status = (int)response.StatusCode;
        var written = await AuditCountAsync(app) != before;
        var text = await response.Content.ReadAsStringAsync();
        if (status >= 500)
        {
            failures.Add($"{what}: {status} {app.Log.Lines.LastOrDefault(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Error)?.Exception?.Split('\n')[0]}");
            return Outcome.Failed;
        }

        if (response.IsSuccessStatusCode)
        {
            if (script && written)
            {
                // The saved script on the record's page: shown as text, never as markup.
                var location = response.Headers.Location?.ToString() ?? url;
                var pageUrl = Regex.Replace(location, "^(https?://[^/]+)?/api/v1", "");
                var (shown, document) = await client.GetPageAsync(pageUrl);
                if (shown.StatusCode == HttpStatusCode.OK && (document.DocumentElement.OuterHtml.Contains(Script, StringComparison.Ordinal)
                    || document.QuerySelectorAll("script").Any(s => s.TextContent.Contains("alert(1)", StringComparison.Ordinal))))
                {
                    failures.Add($"{what}: {pageUrl} shows the saved script as markup");
                    return Outcome.Failed;
                }
            }

            return written ? Outcome.Saved : Outcome.Refused;
        }

        if (written)
        {
            failures.Add($"{what}: refused with {status} but something was written");
            return Outcome.Failed;
        }

        if (status == 400)
        {
            var errors = JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
                ? e.EnumerateObject().Select(x => x.Name).ToList() : [];
            if (errors.Count == 0 || (mistyped is not null && !errors.Any(n => n.Equals(mistyped, StringComparison.OrdinalIgnoreCase))))
            {
                failures.Add($"{what}: 400 without a message for {mistyped ?? "any field"} ({text})");
                return Outcome.Failed;
            }
        }

        return Outcome.Refused;
    }

    /// <summary>
    /// A body the route would take, for one field to be made hostile: an update's record as the
    /// API reads it (so the version is current), a create's the world's record of its kind, else empty.
    /// </summary>
    private static async Task<JsonObject> BaseBodyAsync(PageClient client, JsonElement pathItem, string route, string url, HashSet<string> fields, HostileWorld world)
    {
        string? source = null;
        if (route.Contains('{', StringComparison.Ordinal))
        {
            // The route's own record (an update), or the record an action on it is about (its version).
            source = pathItem.TryGetProperty("get", out _) ? url : Regex.Match(url, @"^/api/v1/[^/]+/[^/]+").Value;
        }
        else if (!route.Contains('{', StringComparison.Ordinal) && world.IdFor(route["/api/v1/".Length..]) is { } id)
        {
            source = $"{url}/{id}";
        }

        var body = new JsonObject();
        if (source is not null && await client.Http.GetAsync(source) is { IsSuccessStatusCode: true } read
            && JsonNode.Parse(await read.Content.ReadAsStringAsync()) is JsonObject record)
        {
            // The record's fields, also those of an answer that wraps it (a task with its related records).
            foreach (var (name, value) in record.Concat(record.Select(r => r.Value).OfType<JsonObject>().SelectMany(o => o)))
            {
                if (fields.Contains(name) && !body.ContainsKey(name) && (name != "version" || route.Contains('{', StringComparison.Ordinal)) && value is not JsonObject)
                {
                    body[name] = value?.DeepClone();
                }
            }

            // A copy of a record whose code must be unique would be refused for that alone.
            foreach (var unique in new[] { "code", "email" }.Where(u => !route.Contains('{', StringComparison.Ordinal) && body.ContainsKey(u)))
            {
                body[unique] = unique == "email" ? $"copy-{Guid.NewGuid():N}@example.com" : $"C-{Guid.NewGuid():N}"[..12];
            }
        }

        return body;
    }

    /// <summary>The body's object schema (through a $ref, or the items of a list body) and whether the body is a list.</summary>
    private static (JsonElement Schema, bool IsList) Resolve(JsonElement schema, JsonElement schemas)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Resolve(schemas.GetProperty(reference.GetString()!.Split('/')[^1]), schemas);
        }

        return schema.TryGetProperty("items", out var items) ? (Resolve(items, schemas).Schema, true) : (schema, false);
    }

    /// <summary>A property's kind: string (free text), formatted (a date, a GUID), integer, number, boolean, array or object.</summary>
    private static string TypeOf(JsonElement property, JsonElement schemas)
    {
        if (property.TryGetProperty("$ref", out var reference))
        {
            var target = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
            return target.TryGetProperty("enum", out _) ? "formatted" : TypeOf(target, schemas);
        }

        if (property.TryGetProperty("enum", out _))
        {
            return "formatted";
        }

        var type = !property.TryGetProperty("type", out var t) ? "object"
            : t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x != "null") ?? "object"
            : t.GetString() ?? "object";
        return type == "string" && property.TryGetProperty("format", out _) ? "formatted" : type;
    }

    /// <summary>
    /// The route with its parameters filled from the world: {id} (or {userId}) of the kind its
    /// leading segments name. Null when the world has no such record.
    /// </summary>
    private static string? Fill(string route, HostileWorld world)
    {
        var filled = route;
        while (Regex.Match(filled, @"\{([^}:?]+)(:[^}?]*)?(\?)?\}") is { Success: true } parameter)
        {
            var kind = Regex.Replace(filled[..parameter.Index].Trim('/'), "^api/v1/", "");
            var value = parameter.Groups[3].Success ? "" : world.IdFor(kind);
            if (value is null)
            {
                return null;
            }

            filled = filled[..parameter.Index] + value + filled[(parameter.Index + parameter.Length)..];
        }

        return filled.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
    }

    private static Task<int> AuditCountAsync(CrmApp app) => app.InDatabaseAsync(db => db.AuditEntries.CountAsync());
}
