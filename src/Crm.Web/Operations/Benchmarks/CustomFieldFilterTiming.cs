using System.Diagnostics;
using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.CustomFields;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Operations.Benchmarks;

/// <summary>
/// <c>dataset time-custom-field-filter</c>: does a list filtered by a custom field stay close to one
/// filtered by a built-in indexed column (issue 28: at most twice as slow at a million contacts)?
/// It adds two contact fields as an administrator would, a number "Company ref" holding each
/// contact's company ID and a select "Tier" with 1 % of the contacts "gold", fills them in one
/// statement each, then times the contact list's first page (the list use case the page and the API
/// call, the filter read from the request's address as for them) for the same companies filtered by
/// <c>companyId=X</c> and by <c>cf.companyRef=X</c>, checking each time that both answer the same
/// contacts; and the 1 % filter <c>cf.tier=gold</c>. Used by <c>bench/custom-field-filter.sh</c>.
/// </summary>
public static class CustomFieldFilterTiming
{
    public static async Task<int> RunAsync(IServiceProvider services, int rounds, TextWriter output)
    {
        Actor actor;
        int[] companies;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            var administrator = await db.Users.AsNoTracking().Where(u => u.IsAdministrator && u.IsActive)
                .OrderBy(u => u.CreatedAt).Select(u => new { u.Id, u.FullName }).FirstOrDefaultAsync();
            if (administrator is null)
            {
                await Console.Error.WriteLineAsync("No active administrator to add the fields.");
                return 1;
            }

            actor = new Actor(ActorKind.User, administrator.Id, IsAdministrator: true, administrator.FullName);
            var save = scope.ServiceProvider.GetRequiredService<SaveCustomField>();
            var reference = await save.RunAsync(actor, null, new CustomFieldInput { Module = "contacts", Key = "companyRef", Label = "Company ref", Type = "number" }, CancellationToken.None);
            var tier = await save.RunAsync(actor, null, new CustomFieldInput
            {
                Module = "contacts", Key = "tier", Label = "Tier", Type = "select",
                Choices = [new CustomFieldChoice("gold"), new CustomFieldChoice("silver"), new CustomFieldChoice("bronze")],
            }, CancellationToken.None);
            if (!reference.IsOk || !tier.IsOk)
            {
                await Console.Error.WriteLineAsync($"A field was refused: {reference.Message}{tier.Message}");
                return 1;
            }

            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
            var filled = Stopwatch.GetTimestamp();
            var references = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "CustomFieldValues" ("Module", "RecordId", "FieldId", "TextValue", "NumberValue")
                SELECT 'contacts', "Id", {reference.Value.Id}, CAST("CompanyId" AS TEXT), "CompanyId" FROM "Contacts" WHERE "CompanyId" IS NOT NULL
                """);
            var tiers = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "CustomFieldValues" ("Module", "RecordId", "FieldId", "TextValue")
                SELECT 'contacts', "Id", {tier.Value.Id}, CASE WHEN "Id" % 100 = 0 THEN 'gold' WHEN "Id" % 10 = 0 THEN 'silver' ELSE 'bronze' END FROM "Contacts"
                """);
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
            var seconds = Stopwatch.GetElapsedTime(filled).TotalSeconds;
            var contacts = await db.Contacts.CountAsync();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Contacts: {contacts:N0}; values written: {references:N0} company refs, {tiers:N0} tiers, in {seconds:0} s (with ANALYZE)."));

            // Companies of every size, spread over the table: the same ones for both filters.
            var all = await db.Contacts.Where(c => c.CompanyId != null).GroupBy(c => c.CompanyId!.Value)
                .Select(g => new { Company = g.Key, Contacts = g.Count() }).OrderBy(g => g.Company).ToListAsync();
            companies = [.. Enumerable.Range(0, rounds).Select(i => all[(int)((long)i * all.Count / rounds)].Company)];
        }

        // Once each before timing: the first call of a path compiles it (JIT, EF's query cache).
        await FirstPageAsync(services, actor, new ContactQuery(CompanyId: companies[0]), "");
        await FirstPageAsync(services, actor, new ContactQuery(), $"?cf.companyRef={companies[0]}");
        await FirstPageAsync(services, actor, new ContactQuery(), "?cf.tier=gold");

        var builtIn = new List<double>();
        var custom = new List<double>();
        var found = 0;
        foreach (var company in companies)
        {
            var (builtInMs, builtInIds) = await FirstPageAsync(services, actor, new ContactQuery(CompanyId: company), "");
            var (customMs, customIds) = await FirstPageAsync(services, actor, new ContactQuery(), $"?cf.companyRef={company}");
            if (!builtInIds.SequenceEqual(customIds))
            {
                await Console.Error.WriteLineAsync($"Company {company}: the custom filter answered other contacts than the built-in one.");
                return 1;
            }

            found += builtInIds.Count;
            builtIn.Add(builtInMs);
            custom.Add(customMs);
        }

        var gold = new List<double>();
        var goldRows = 0;
        for (var i = 0; i < rounds; i++)
        {
            var (ms, ids) = await FirstPageAsync(services, actor, new ContactQuery(), "?cf.tier=gold");
            gold.Add(ms);
            goldRows = ids.Count;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
            First page (50, by name) of one company's contacts, {rounds} companies, {found:N0} contacts found, the same by both filters:
              built-in companyId=X     {Summary(builtIn)}
              custom   cf.companyRef=X {Summary(custom)}
              ratio of the medians: {Median(custom) / Median(builtIn):0.00}, of the p95s: {Percentile(custom, 0.95) / Percentile(builtIn, 0.95):0.00} (target <= 2)
            First page (50, by name) of the 1 % gold tier, {rounds} rounds, {goldRows} rows: {Summary(gold)}
            """));
        return 0;
    }

    /// <summary>One list request as the API serves it: a scope of its own, the filter in the request's address.</summary>
    private static async Task<(double Ms, List<int> Ids)> FirstPageAsync(IServiceProvider services, Actor actor, ContactQuery query, string address)
    {
        await using var scope = services.CreateAsyncScope();
        var request = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        request.Request.Path = "/api/v1/contacts";
        request.Request.QueryString = new QueryString(address.Length == 0 ? null : address);
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = request;
        var started = Stopwatch.GetTimestamp();
        var page = await scope.ServiceProvider.GetRequiredService<ListContacts>().RunAsync(actor, query with { Sort = ListContacts.SortByName }, CancellationToken.None);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!page.IsOk)
        {
            throw new InvalidOperationException($"The list refused {address}: {page.Message}");
        }

        return (ms, [.. page.Value.Items.Select(c => c.Id)]);
    }

    private static double Median(List<double> times) => Percentile(times, 0.5);

    private static double Percentile(List<double> times, double share)
    {
        var sorted = times.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(share * sorted.Count))];
    }

    private static string Summary(List<double> times) =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {Median(times):0.0} ms, p95 {Percentile(times, 0.95):0.0} ms, max {times.Max():0.0} ms");
}
