using System.Net;
using System.Text;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// An import is all or nothing (issue 26): 10,000 rows pass the check, then row 9,999 fails during the
/// import itself (the company it names is deleted in between), and the database holds no row of it, no
/// history line, and the import says why. On PostgreSQL, where a row costs about three times as much
/// (round trips; see bench/results), the same story runs with 1,000 rows failing at row 999, so the
/// suite stays within its budget; the 100,000-row benchmark covers the scale there.
/// </summary>
public sealed class ImportAllOrNothingTests(ImportApp app) : IClassFixture<ImportApp>
{
    [Fact]
    public async Task A_failure_at_row_9999_of_10000_leaves_nothing()
    {
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var company = await CompanyKit.CompanyAsync(app, "Gone Before The Import Ltd", adminId, null);
        var size = TestDatabase.IsPostgres ? 1_000 : 10_000;
        var failing = size - 1;
        var csv = new StringBuilder("First name,Last name,Email,Company\r\n");
        for (var i = 1; i <= size; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Person,Number {i},p{i}@bulk.example,{(i == failing ? company : "")}\r\n");
        }

        var id = (await StartAsync(admin, "contacts", "bulk.csv", csv.ToString())).GetProperty("id").GetInt32();
        var checkedRun = await CheckAsync(app, admin, id, """{"mode":"create","mapping":{"First name":"firstName","Last name":"lastName","Email":"email","Company":"companyId"}}""");
        Assert.Equal(size, checkedRun.GetProperty("created").GetInt32());
        Assert.Equal(0, checkedRun.GetProperty("failed").GetInt32());

        await app.InDatabaseAsync(db => db.Companies.Where(c => c.Id == company).ExecuteDeleteAsync());
        var entries = await app.InDatabaseAsync(db => db.AuditEntries.CountAsync());

        var imported = await ConfirmAsync(app, admin, id);
        Assert.Equal("failed", imported.GetProperty("status").GetString());
        Assert.StartsWith("1 rows were refused, so nothing was imported.", imported.GetProperty("message").GetString(), StringComparison.Ordinal);
        // Data row 9,999 is line 10,000 of the file, counting the header.
        Assert.Equal([$"row {failing + 1}: Company: Company ID {company} does not exist or is not visible to you."], Problems(await RowsAsync(admin, id, "error")));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Contacts.CountAsync(c => c.Email!.EndsWith("@bulk.example"))));
        Assert.Equal(entries, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync()));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/imports/{id}/undo", "{}")).StatusCode);
    }
}
