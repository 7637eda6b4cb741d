using System.Data.Common;
using System.Linq.Expressions;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Files;
using Crm.Web.Features.Leads;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Features.Memos;
using Crm.Web.Features.Products;
using Crm.Web.Features.Tasks;
using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Search;

/// <summary>
/// Text search stays fast at a million rows only if the database can answer it from an index
/// (PostgreSQL: the trigram indexes of migration TextSearchIndexes) and is not tempted to walk the
/// list's sort index instead. Both are facts of the query plan, checked here on the SQL EF
/// generates from the same expressions the lists and the search box use; the timing itself is
/// measured by bench/objects-list.sh, never here.
/// </summary>
public sealed partial class TextSearchIndexTests
{
    private const string Term = "schmidt";

    [Fact]
    public async Task Every_searched_expression_is_answered_by_its_trigram_index_on_PostgreSQL()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var searches = new (string Table, string Sql)[]
        {
            ("Companies", SqlOf(db.Companies, Company.Matching(Term))),
            ("Contacts", SqlOf(db.Contacts, Contact.Matching(Term))),
            ("Deals", SqlOf(db.Deals, Deal.Matching(Term))),
            ("Leads", SqlOf(db.Leads, Lead.Matching(Term))),
            ("LoggedEmails", SqlOf(db.LoggedEmails, LoggedEmail.Matching(Term))),
            ("Memos", SqlOf(db.Memos, Memo.Matching(Term))),
            ("Products", SqlOf(db.Products, Product.Matching(Term))),
            ("Tasks", SqlOf(db.Tasks, CrmTask.Matching(Term))),
            ("FileObjects", SqlOf(db.FileObjects, FileObject.Matching(Term))),
        };

        if (!TestDatabase.IsPostgres)
        {
            // SQLite has no trigram index: the migration adds none, and the search reads the table.
            Assert.Empty(await QueryAsync(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'IX_%_Search_%'"));
            return;
        }

        // PostgreSQL uses an expression index only for the very same expression. Both the plan and the
        // index definition are printed by PostgreSQL's own deparser, so matching text means a usable index
        // (on the empty test tables the planner would rightly prefer any plan; the benchmark shows the use).
        var indexes = (await QueryAsync(db, "SELECT tablename || chr(31) || indexname || chr(31) || indexdef FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'"))
            .Select(row => row.Split('\u001f')).Select(p => (Table: p[0], Name: p[1], Expression: TrigramExpression().Match(p[2]).Groups[1].Value)).ToList();
        foreach (var (table, sql) in searches)
        {
            var plan = string.Join('\n', await QueryAsync(db, "EXPLAIN " + sql));
            var expected = indexes.Where(i => i.Table == table).ToList();
            Assert.NotEmpty(expected);
            // A bare varchar column is shown cast to text in the plan, a cast the planner sees through.
            var unused = expected.Where(i => i.Expression.Length == 0 || !(plan.Contains(i.Expression + " ~~ '%schmidt%'", StringComparison.Ordinal)
                || (i.Expression.StartsWith('"') && plan.Contains($"({i.Expression})::text ~~ '%schmidt%'", StringComparison.Ordinal)))).ToList();
            Assert.True(unused.Count == 0, $"{table}: {string.Join(", ", unused.Select(i => $"{i.Name} on {i.Expression}"))} does not serve\n{sql}\n{plan}");
        }

        // Every searched table is covered, and nothing else carries a trigram index.
        Assert.Equal(searches.Select(s => s.Table).Order(), indexes.Select(i => i.Table).Distinct().Order());
    }

    [Fact]
    public async Task A_searched_list_is_not_read_through_its_sort_index()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        string Page(string term) => db.Contacts.Where(Contact.Matching(term))
            .OrderBy(TextSearch.SortKey<Contact, string>(c => c.LastName, term)).ThenBy(c => c.FirstName).ThenBy(c => c.Id)
            .Select(c => c.Id).Take(51).ToQueryString();

        // Prices as at a million rows would make the planner prefer the sort index: here the index is
        // priced in by turning sorting off, so only an ORDER BY the index cannot serve avoids it.
        var setup = TestDatabase.IsPostgres ? "SET enable_sort = off; SET enable_seqscan = off; EXPLAIN " : "EXPLAIN QUERY PLAN ";
        var searched = string.Join('\n', await QueryAsync(db, setup + Inline(Page(Term))));
        var shortTerm = string.Join('\n', await QueryAsync(db, setup + Inline(Page("mü"))));

        Assert.DoesNotContain("IX_Contacts_LastName_FirstName_Id", searched, StringComparison.Ordinal);
        // A term too short for trigrams keeps the sort index: it finds a page of common matches early.
        Assert.Contains("IX_Contacts_LastName_FirstName_Id", shortTerm, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_index_neutral_sort_key_orders_exactly_like_the_column()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var owner = await db.Users.Select(u => u.Id).FirstAsync();
        foreach (var (first, last) in new[] { ("Anna", "Schmidt"), ("Ben", "schmidt"), ("Cleo", "Schmidtke"), ("Dora", "Öztürk Schmidt"), ("Emil", "Aschmidt") })
        {
            db.Contacts.Add(new Contact { FirstName = first, LastName = last, OwnerId = owner, CreatedById = owner, ModifiedById = owner });
        }

        await db.SaveChangesAsync();
        var plain = await db.Contacts.Where(Contact.Matching(Term)).OrderBy(c => c.LastName).ThenBy(c => c.Id).Select(c => c.Id).ToListAsync();
        var neutral = await db.Contacts.Where(Contact.Matching(Term))
            .OrderBy(TextSearch.SortKey<Contact, string>(c => c.LastName, Term)).ThenBy(c => c.Id).Select(c => c.Id).ToListAsync();
        var byId = await db.Contacts.Where(Contact.Matching(Term))
            .OrderByDescending(TextSearch.SortKey<Contact, int>(c => c.Id, Term)).Select(c => c.Id).ToListAsync();

        Assert.Equal(5, plain.Count);
        Assert.Equal(plain, neutral);
        Assert.Equal(plain.OrderDescending(), byId);
    }

    [Fact]
    public async Task A_term_in_a_large_share_of_rows_keeps_the_list_order_on_PostgreSQL_and_a_rare_one_drives_the_query()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var owner = await db.Users.Select(u => u.Id).FirstAsync();
        for (var i = 0; i < 40; i++)
        {
            db.Contacts.Add(new Contact { FirstName = "Anna", LastName = i < 2 ? "Schmidt" : "Becker", Email = $"anna.{i}@mail.example", OwnerId = owner, CreatedById = owner, ModifiedById = owner });
        }

        await db.SaveChangesAsync();
        // A floor of 5 rows stands in for 5 % of a million-row table.
        var common = await TextSearch.DrivingTermAsync(db, Contact.Matching, "mail", CancellationToken.None, floor: 5);
        var rare = await TextSearch.DrivingTermAsync(db, Contact.Matching, Term, CancellationToken.None, floor: 5);
        var tooShort = await TextSearch.DrivingTermAsync(db, Contact.Matching, "an", CancellationToken.None, floor: 5);

        Assert.Equal(Term, rare);
        // SQLite has no trigram index to drive anything: a scan and a sort of the matches is its bounded worst case.
        Assert.Equal(TestDatabase.IsPostgres ? null : "mail", common);
        Assert.Equal("an", tooShort);
        Assert.Equal(TextSearch.SortKey<Contact, string>(c => c.LastName, tooShort).ToString(), ((Expression<Func<Contact, string>>)(c => c.LastName)).ToString());
    }

    private static string SqlOf<T>(IQueryable<T> rows, Expression<Func<T, bool>> matching) where T : OwnedRecord =>
        Inline(rows.Where(matching).Select(r => r.Id).ToQueryString());

    /// <summary>ToQueryString declares parameters as comments (<c>-- @p='value'</c>); EXPLAIN needs them inline.</summary>
    private static string Inline(string sql)
    {
        var lines = sql.Split('\n');
        var values = lines.Select(l => Parameter().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var body = string.Join('\n', lines.Where(l => !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith(".param", StringComparison.Ordinal)));
        foreach (var (name, value) in values.OrderByDescending(v => v.Key.Length))
        {
            body = body.Replace(name, value, StringComparison.Ordinal);
        }

        return body;
    }

    private static async Task<List<string>> QueryAsync(CrmDb db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync();
        }

        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                rows.Add(string.Join(' ', Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)?.ToString())));
            }
        }
        while (await reader.NextResultAsync());

        return rows;
    }

    // "USING gin (lower((("FirstName")::text || ' '::text) || ("LastName")::text) gin_trgm_ops)" → the expression.
    [GeneratedRegex(@"USING gin \((.+) gin_trgm_ops\)$")]
    private static partial Regex TrigramExpression();

    // Npgsql: "-- @term_contains='%schmidt%'"; SQLite: ".param set @term_contains '%schmidt%'".
    [GeneratedRegex(@"^(?:--\s*|\.param set )(@\w+)[= ]('(?:[^']|'')*'|\S+)")]
    private static partial Regex Parameter();
}
