using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.AuditKit;

namespace Crm.Tests.Audit;

/// <summary>
/// An update and its entry are one piece at the database: a save that loses a race for the row's
/// version writes no entry, and an entry the database refuses takes its update with it.
/// </summary>
public sealed class AuditWithTheUpdateTests
{
    [Fact]
    public async Task An_update_that_loses_a_race_leaves_no_entry_and_the_winner_leaves_one()
    {
        await using var app = new CrmApp();
        var (contact, _) = await NewContactAsync(app);

        using var first = app.Services.CreateScope();
        using var second = app.Services.CreateScope();
        var firstDb = first.ServiceProvider.GetRequiredService<CrmDb>();
        var secondDb = second.ServiceProvider.GetRequiredService<CrmDb>();
        var mine = await firstDb.Contacts.SingleAsync(c => c.Id == contact);
        var theirs = await secondDb.Contacts.SingleAsync(c => c.Id == contact);
        var mark = await MarkAsync(app);

        mine.Title = "Won";
        mine.Version++;
        await firstDb.SaveChangesAsync();

        // The second read the same version: its UPDATE matches no row.
        theirs.Title = "Lost";
        theirs.Version++;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => secondDb.SaveChangesAsync());

        var entries = await SinceAsync(app, mark);
        var won = Assert.Single(entries);
        Assert.Equal(AuditActions.Updated, won.Action);
        Assert.Equal("Won", New(won, "title"));
        Assert.Equal("Won", await app.InDatabaseAsync(db => db.Contacts.Where(c => c.Id == contact).Select(c => c.Title).SingleAsync()));

        // The loser's context saves again after reloading: the capture starts afresh, one entry more.
        await secondDb.Entry(theirs).ReloadAsync();
        theirs.Title = "Second try";
        theirs.Version++;
        await secondDb.SaveChangesAsync();
        var all = await SinceAsync(app, mark);
        Assert.Equal(["Won", "Second try"], all.Select(e => New(e, "title")));
        Assert.All(all, e => Assert.Equal((CrmModules.Contacts.Key, AuditActions.Updated), (e.EntityType, e.Action)));
    }

    [Fact]
    public async Task An_entry_the_database_refuses_takes_its_update_with_it()
    {
        await using var app = new CrmApp();
        var (contact, admin) = await NewContactAsync(app);
        await RefuseEntriesMentioningRefuseMeAsync(app);
        var mark = await MarkAsync(app);

        var response = await admin.PatchJsonAsync($"/api/v1/contacts/{contact}", """{"title":"Refuse me","version":1}""");
        Assert.False(response.IsSuccessStatusCode, $"The update should have failed with its entry, got {response.StatusCode}");

        Assert.Empty(await SinceAsync(app, mark));
        Assert.Null(await app.InDatabaseAsync(db => db.Contacts.Where(c => c.Id == contact).Select(c => c.Title).SingleAsync()));

        // The same request without the refused value goes through, with its entry.
        response = await admin.PatchJsonAsync($"/api/v1/contacts/{contact}", """{"title":"Fine","version":1}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Fine", New(Assert.Single(await SinceAsync(app, mark)), "title"));
    }

    /// <summary>A contact at version 1, owned by the administrator, who is signed in.</summary>
    private static async Task<(int Contact, PageClient Admin)> NewContactAsync(CrmApp app)
    {
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        return (await CompanyKit.ContactAsync(app, "Ada", "Race", null, adminId, null), admin);
    }

    /// <summary>A trigger that makes the database refuse any entry whose changes mention "Refuse me".</summary>
    private static Task<int> RefuseEntriesMentioningRefuseMeAsync(CrmApp app) => app.InDatabaseAsync(async db =>
    {
        if (TestDatabase.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE FUNCTION test_refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW."Changes" LIKE '%Refuse me%' THEN RAISE EXCEPTION 'entry refused by the test'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER test_refuse_entry BEFORE INSERT ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION test_refuse_entry();
                """);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER test_refuse_entry BEFORE INSERT ON "AuditEntries"
                WHEN NEW."Changes" LIKE '%Refuse me%'
                BEGIN SELECT RAISE(ABORT, 'entry refused by the test'); END;
                """);
        }

        return 0;
    });
}
