using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Import;
using Crm.Web.Features.Mailings;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Records;

/// <summary>
/// The class test of the rule for linked records. Every endpoint and page is enumerated from the
/// endpoint list: wherever it takes a record id (in the route, a query filter or the body), bob
/// gets exactly the same answer for one of alice's records (outside his scope) as for an id no
/// record has; then bob uses every linked action on his own records (transfer, delete); and at the
/// end no record of alice's has changed owner, content or existence. For each scope, on the
/// provider of the run. A route, query or body field that names a record in a way this test does
/// not know fails it: a new endpoint is covered or the test says so. No answer bob gets holds a custom
/// field value of alice's records, nor any admin-only value (<see cref="FieldValueWitness"/>).
/// </summary>
[Slow]
public sealed partial class LinkedRecordScopeTests
{
    private const string Missing = "987654";

    /// <summary>Route and query parameters that name a record, and the module of that record (null: the module is another parameter).</summary>
    private static readonly Dictionary<string, string?> s_linkNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["companyId"] = CrmModules.Companies.Key, ["contactId"] = CrmModules.Contacts.Key, ["parentId"] = CrmModules.Tasks.Key,
        ["existingCompanyId"] = CrmModules.Companies.Key, ["relatedId"] = null, ["categoryId"] = "vault-categories",
    };

    /// <summary>Integer parameters and fields that are not record ids.</summary>
    private static readonly HashSet<string> s_notLinks = new(StringComparer.OrdinalIgnoreCase)
    {
        "pageSize", "version", "code", "countryId", "sendingAccountId", "ratePerMinute", "port", "smtpPort", "probability", "length",
        // An import's list and rows are paged by import ID and row number, and a trial takes a number of rows: none names a record.
        "beforeId", "afterRow", "rowLimit",
    };

    /// <summary>The first path segment of a record route (API or page), as its module.</summary>
    private static readonly Dictionary<string, string> s_modules = new(StringComparer.Ordinal)
    {
        ["companies"] = "companies", ["contacts"] = "contacts", ["deals"] = "deals", ["leads"] = "leads", ["products"] = "products",
        ["tasks"] = "tasks", ["memos"] = "memos", ["emails"] = "emails", ["files"] = "files",
    };

    public static TheoryData<Scope> Scopes => new() { Scope.Own, Scope.Subordinates, Scope.Department, Scope.None };

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task Every_path_that_names_a_record_answers_for_a_hidden_one_as_for_a_missing_one_and_nothing_out_of_scope_changes(Scope scope)
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, scope);
        // Custom fields on every path once: what they show does not depend on bob's scope (the
        // second sweep below has them for every scope), and they add a read to every request.
        var witnessed = scope == Scope.Own ? await w.WitnessAsync() : [];
        var hidden = await HiddenIdsAsync(app, w);
        var before = await w.SnapshotAsync();
        var bob = await app.SignInAsync("bob@crm.test", Password);
        app.KeepAnswers();
        var uncovered = new List<string>();
        var compared = 0;

        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null).ToList();
        foreach (var endpoint in endpoints)
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var administration = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Crm.Web.Security.Policies.Administrator);
            foreach (var method in methods.Where(m => m is "GET" or "POST" or "PUT" or "PATCH" or "DELETE"))
            {
                foreach (var (hiddenUrl, missingUrl, body) in Cases(route, method, endpoint, hidden, administration, uncovered, w.Alice.Id.ToString()))
                {
                    var a = await SendAsync(bob, method, hiddenUrl, body.Hidden);
                    var b = await SendAsync(bob, method, missingUrl, body.Missing);
                    compared++;
                    Assert.True(b.Status == a.Status, $"{method} {hiddenUrl} answered {a.Status}, but {missingUrl} {b.Status}");
                    if (!route.StartsWith("/api", StringComparison.Ordinal))
                    {
                        continue; // Pages: the status is the answer (their HTML differs in tokens).
                    }

                    var shown = a.Body;
                    foreach (var id in hidden.Values.SelectMany(v => v).Distinct())
                    {
                        shown = Regex.Replace(shown, $@"(?<![\w.-]){Regex.Escape(id)}(?![\w.-])", Missing);
                    }

                    Assert.True(LinkedRecordTests.Normalise(b.Body) == LinkedRecordTests.Normalise(shown), $"{method} {hiddenUrl}: {a.Body} differs from {missingUrl}: {b.Body}");
                }
            }
        }

        Assert.Empty(uncovered);
        Assert.True(compared > 100, $"only {compared} comparisons");
        FieldValueWitness.CheckAbsent("bob", app.TakeAnswers(), witnessed);

        // The linked actions on bob's own records: a transfer with everything, then a delete.
        var company = w["bobCompany"];
        await bob.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{company}}],"newOwnerId":"{{w.Carol.Id}}","openDeals":true,"openTasks":true}""");
        await bob.Http.DeleteAsync($"/api/v1/companies/{company}");
        foreach (var (module, name) in new[] { ("contacts", "bobContactAtAlices"), ("deals", "bobDealAtAlices"), ("tasks", "bobTaskUnderAlices"), ("emails", "bobEmailAboutAlices"), ("memos", "bobMemo") })
        {
            await bob.Http.DeleteAsync($"/api/v1/{module}/{w[name]}");
        }

        var after = await w.SnapshotAsync();
        foreach (var (key, state) in w.Alices(before))
        {
            Assert.True(after.TryGetValue(key, out var now), $"{key} of alice's was deleted");
            Assert.True(state == now, $"{key} of alice's changed: {state} → {now}");
        }
    }

    /// <summary>Bob's own record per module: what stands in for {id} when his reads are searched for alice's ids.</summary>
    private static readonly Dictionary<string, string> s_bobs = LinkedRecordWorld.Bobs.ToDictionary(b => b.Module, b => b.Name, StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task No_answer_about_the_callers_own_records_carries_the_id_of_a_linked_record_they_may_not_see(Scope scope)
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, scope);
        var witnessed = await w.WitnessAsync();
        var hidden = LinkedRecordWorld.Hidden.Select(h => (h.Module, w[h.Name])).ToHashSet();
        var bob = await app.SignInAsync("bob@crm.test", Password);
        app.KeepAnswers();
        var read = 0;

        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") != false);
        foreach (var endpoint in endpoints)
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var parameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            if (parameters.Except(["id", "module", "format"]).Any())
            {
                continue;
            }

            var first = route.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) ?? "";
            string[] modules = parameters.Contains("module") ? [.. s_bobs.Keys] : s_bobs.ContainsKey(first) ? [first] : parameters.Contains("id") ? [] : new[] { first };
            foreach (var module in modules)
            {
                var url = Fill(Fill(Fill(route, "module", module), "format", "csv"), "id", s_bobs.TryGetValue(module, out var mine) ? w[mine].ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
                using var response = await bob.Http.GetAsync(url);
                if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true)
                {
                    continue;
                }

                read++;
                using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                foreach (var (field, module2, id) in LinksIn(json.RootElement, null))
                {
                    Assert.False(module2 is not null && hidden.Contains((module2, id)), $"GET {url}: {field} {id} names alice's {module2} record");
                }
            }
        }

        Assert.True(read > 30, $"only {read} answers read");
        FieldValueWitness.CheckAbsent("bob", app.TakeAnswers(), witnessed);

        // Alice shares her deal with bob for reading: whatever his scope, he sees it (detail, history,
        // and the list where his role lists deals at all), and no more: its company and contact
        // (alice's, shared with carol) stay unnamed, and he may neither edit nor delete it. Removing
        // the share closes it on his next request.
        var deal = w["aliceDeal"];
        var alice = await app.SignInAsync("alice@crm.test", Password);
        var share = await alice.PostJsonAsync($"/api/v1/deals/{deal}/shares", $$"""{"userId":"{{w.Bob.Id}}","access":"read"}""");
        Assert.Equal(HttpStatusCode.Created, share.StatusCode);
        var shareId = (await share.ReadJsonAsync()).GetProperty("id").GetInt64();
        hidden.Remove(("deals", deal));
        foreach (var url in new[] { $"/api/v1/deals/{deal}", $"/api/v1/deals/{deal}/history", $"/api/v1/deals/{deal}/shares", $"/api/v1/files?module=deals&id={deal}" })
        {
            using var response = await bob.Http.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} of the shared deal: {response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync();
            using var json = System.Text.Json.JsonDocument.Parse(text);
            foreach (var (field, module2, id) in LinksIn(json.RootElement, null))
            {
                Assert.False(module2 is not null && hidden.Contains((module2, id)), $"GET {url}: {field} {id} names alice's {module2} record");
            }

            Assert.DoesNotContain("Alpha Hidden Ltd", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Atalpha", text, StringComparison.Ordinal);
        }

        foreach (var url in new[] { $"/deals/{deal}", $"/history/deals/{deal}" })
        {
            var page = await bob.Http.GetAsync(url);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {url} of the shared deal: {page.StatusCode}");
            Assert.DoesNotContain("Alpha Hidden Ltd", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        if (scope != Scope.None)
        {
            Assert.Contains(deal, await bob.ListIdsAsync("/api/v1/deals"));
            Assert.Contains(await bob.SearchAsync("deals", "Hidden deal"), l => l.Contains("Hidden deal", StringComparison.Ordinal));
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.GetAsync($"/deals/{deal}/edit")).StatusCode);
        var version = await app.InDatabaseAsync(db => db.Deals.Where(d => d.Id == deal).Select(d => d.Version).SingleAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PatchJsonAsync($"/api/v1/deals/{deal}", $$"""{"title":"Changed","version":{{version}}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.DeleteAsync($"/api/v1/deals/{deal}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Http.DeleteAsync($"/api/v1/deals/{deal}/shares/{shareId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/v1/deals/{deal}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/deals/{deal}")).StatusCode);
        Assert.DoesNotContain(deal, scope == Scope.None ? [] : await bob.ListIdsAsync("/api/v1/deals"));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Deals.CountAsync(d => d.Id == deal && d.Title == "Hidden deal")));
    }

    /// <summary>Every link value in a JSON answer: (field, module it names, id); the module of a relatedId is its sibling relatedModule.</summary>
    private static IEnumerable<(string Field, string? Module, int Id)> LinksIn(System.Text.Json.JsonElement element, string? parent)
    {
        if (element.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var link in LinksIn(item, parent))
                {
                    yield return link;
                }
            }
        }
        else if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind == System.Text.Json.JsonValueKind.Number && property.Value.TryGetInt32(out var id)
                    && s_linkNames.TryGetValue(property.Name, out var module))
                {
                    var related = module ?? (element.TryGetProperty("relatedModule", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.String ? m.GetString() : null);
                    yield return (property.Name, related, id);
                }
                else if (property.Value.ValueKind is System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array)
                {
                    foreach (var link in LinksIn(property.Value, property.Name))
                    {
                        yield return link;
                    }
                }
            }
        }
    }

    private sealed record Bodies(string? Hidden, string? Missing);

    /// <summary>
    /// The pairs of requests (hidden record, missing record) an endpoint gets: one per record
    /// module its route's ids may name, per link filter of its query, per link field of its body.
    /// </summary>
    private static List<(string Hidden, string Missing, Bodies Body)> Cases(
        string route, string method, RouteEndpoint endpoint, IReadOnlyDictionary<string, string[]> hidden, bool administration, List<string> uncovered, string existingUser)
    {
        // A record's share is named under the record: the record decides first, whatever share follows.
        route = Fill(route, "shareId", "1");
        var parameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).Where(p => p != "shareId").ToList();
        var segments = route.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.ElementAtOrDefault(0) == "api" ? segments.ElementAtOrDefault(2) ?? "" : segments.ElementAtOrDefault(0) ?? "";
        var json = method is "GET" or "DELETE" ? null : "{}";
        var cases = new List<(string, string, Bodies)>();

        // Route ids.
        if (first == "countries")
        {
            return cases; // the shipped country list: reference data everyone sees, not a record with an owner
        }

        foreach (var name in parameters.Where(p => p is not "module" and not "format" and not "kind" and not "topic" and not "link" and not "code" and not "documentName"))
        {
            if (administration)
            {
                // Refused by policy before the id is read: an existing and a missing id look alike.
                var guid = route.Contains($"{{{name}:guid}}", StringComparison.Ordinal);
                cases.Add((Fill(route, name, guid ? existingUser : "1"), Fill(route, name, guid ? Guid.Empty.ToString() : Missing), new(json, json)));
                continue;
            }

            if (name is not ("id" or "userId" or "entryId"))
            {
                uncovered.Add($"{method} {route}: route parameter {{{name}}}");
                continue;
            }

            var modules = parameters.Contains("module") ? [.. s_modules.Values] : s_modules.TryGetValue(first, out var m) ? [m] : new[] { first };
            foreach (var module in modules)
            {
                if (!hidden.TryGetValue(module, out var ids))
                {
                    uncovered.Add($"{method} {route}: no hidden record for '{module}'");
                    continue;
                }

                var withModule = route.Replace("{module}", module, StringComparison.Ordinal);
                foreach (var id in ids)
                {
                    cases.Add((Fill(withModule, name, id), Fill(withModule, name, Missing), new(json, json)));
                }
            }
        }

        var path = Fill(Fill(route, "module", "contacts"), "format", "csv");
        if (parameters.Except(["module", "format"]).Any())
        {
            return cases;
        }

        // Query filters and body fields that name records, read from the handler's signature.
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
        var links = new List<(string Name, Type Type)>();
        if (method == "GET" && handler is not null)
        {
            links.AddRange(handler.GetParameters().Where(p => p.Name is not null).Select(p => (p.Name!, p.ParameterType)));
        }

        var requestType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var inBody = method != "GET" && requestType is not null && !requestType.Name.StartsWith("JsonElement", StringComparison.Ordinal);
        if (inBody)
        {
            links.AddRange(requestType!.GetProperties().Select(p => (p.Name, p.PropertyType)));
        }

        foreach (var (name, type) in links)
        {
            var element = Nullable.GetUnderlyingType(type) ?? type;
            var isIds = element != typeof(string) && element.IsAssignableTo(typeof(System.Collections.IEnumerable)) && element.IsGenericType
                && element.GetGenericArguments()[0] == typeof(int);
            if (element != typeof(int) && !isIds)
            {
                continue;
            }

            var camel = char.ToLowerInvariant(name[0]) + name[1..];
            var single = isIds ? camel.TrimEnd('s') : camel;
            if (s_notLinks.Contains(camel))
            {
                continue;
            }

            if (administration)
            {
                continue; // refused by policy, whatever the query or body says
            }

            if (camel == "id" && links.Any(l => string.Equals(l.Name, "module", StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var (module, ids) in hidden.Where(h => s_modules.ContainsKey(h.Key)))
                {
                    // A query filter (files of a record), or the upload's multipart fields (a file attached to a record).
                    cases.AddRange(ids.Select(id => inBody
                        ? (path, path, new Bodies($"multipart:{module}:{id}", $"multipart:{module}:{Missing}"))
                        : ($"{path}?module={module}&id={id}", $"{path}?module={module}&id={Missing}", new Bodies(json, json))));
                }

                continue;
            }

            if (!s_linkNames.TryGetValue(single, out var linked))
            {
                uncovered.Add($"{method} {route}: {(inBody ? "body field" : "query parameter")} '{camel}'");
                continue;
            }

            foreach (var (module, ids) in linked is null ? hidden.Where(h => h.Key != "files") : hidden.Where(h => h.Key == linked))
            {
                var moduleField = linked is null ? $"relatedModule={module}&" : "";
                foreach (var id in ids)
                {
                    if (inBody)
                    {
                        var value = isIds ? $"[{id}]" : id;
                        var missing = isIds ? $"[{Missing}]" : Missing;
                        var related = linked is null ? $"\"relatedModule\":\"{module}\"," : "";
                        cases.Add((path, path, new($"{{{related}\"{camel}\":{value}}}", $"{{{related}\"{camel}\":{missing}}}")));
                    }
                    else
                    {
                        cases.Add(($"{path}?{moduleField}{camel}={id}", $"{path}?{moduleField}{camel}={Missing}", new(json, json)));
                    }
                }
            }
        }

        return cases;
    }

    private static string Fill(string route, string name, string value) =>
        Regex.Replace(route, @"\{" + Regex.Escape(name) + @"(:[^}?]+)?\??\}", value);

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(PageClient client, string method, string url, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (json is not null && json.StartsWith("multipart:", StringComparison.Ordinal))
        {
            var parts = json.Split(':');
            request.Content = new MultipartFormDataContent
            {
                { new StringContent(parts[1]), "module" },
                { new StringContent(parts[2]), "id" },
                { new ByteArrayContent("attached"u8.ToArray()), "file", "attached.txt" },
            };
        }
        else if (json is not null)
        {
            request.Content = ApiJson.Body(json);
        }

        using var response = await client.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Alice's records by module, plus a file on her company, her sending account, a mailing and an import of hers.</summary>
    private static async Task<IReadOnlyDictionary<string, string[]>> HiddenIdsAsync(CrmApp app, LinkedRecordWorld w)
    {
        var hidden = LinkedRecordWorld.Hidden.GroupBy(h => h.Module).ToDictionary(g => g.Key, g => g.Select(h => w[h.Name].ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var admin = await app.SignInAsAdminAsync();
        var upload = await admin.UploadAsync("companies", w["aliceCompany"], "hidden.txt", "hidden"u8.ToArray());
        var file = (await upload.ReadJsonAsync()).GetProperty("id").GetInt32();
        var account = await app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var row = new SendingAccount { UserId = w.Alice.Id, Name = "Alice's", FromAddress = "alice@crm.test", Host = "smtp.crm.test", Port = 587, RatePerMinute = 10, CreatedAt = now };
            db.SendingAccounts.Add(row);
            await db.SaveChangesAsync();
            var stored = await db.FileObjects.SingleAsync(f => f.Id == file);
            (stored.OwnerId, stored.DepartmentId) = (w.Alice.Id, w.DepartmentA);
            var mailing = new Mailing { SenderId = w.Alice.Id, SendingAccountId = row.Id, Subject = "Hidden", Body = "Hidden", Module = "contacts", CreatedAt = now };
            db.Mailings.Add(mailing);
            var import = new ImportRun { Module = "contacts", FileName = "alice.csv", FileKind = "csv", Headers = "[\"First name\"]", Mapping = "{}", CreatedById = w.Alice.Id, CreatedAt = now };
            db.ImportRuns.Add(import);
            await db.SaveChangesAsync();
            db.ImportFiles.Add(new ImportFile { RunId = import.Id, Content = "First name\r\nAnn\r\n"u8.ToArray() });
            await db.SaveChangesAsync();
            return (row.Id, mailing.Id, import.Id);
        });
        hidden["files"] = [file.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        hidden["sending-accounts"] = [account.Item1.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        hidden["mailings"] = [account.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        // Alice's import: the API's imports and the wizard's page.
        hidden["imports"] = hidden["import"] = [account.Item3.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return hidden;
    }
}
