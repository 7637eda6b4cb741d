using System.Net;
using Crm.Web.Features.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// Uploaded files are personal data kept only while needed (issue 26): the clean-up job removes a file
/// Import:UndoDays after its import, or after its upload when never imported, keeps a younger one, and
/// keeps the run and its rows; a run whose file is gone says so when checked again or asked for its
/// refused rows, and changes nothing.
/// </summary>
public sealed class ImportFileRetentionTests
{
    [Fact]
    public async Task Files_go_after_the_undo_period_the_runs_stay_and_a_run_without_its_file_says_so()
    {
        await using var app = new ImportApp();
        var admin = await app.SignInAsAdminAsync();
        var imported = (await StartAsync(admin, "leads", "old-import.csv", "First name,Last name\r\nOla,Old\r\n")).GetProperty("id").GetInt32();
        await CheckAsync(app, admin, imported, """{"mode":"create"}""");
        Assert.Equal("imported", (await ConfirmAsync(app, admin, imported)).GetProperty("status").GetString());
        var abandoned = (await StartAsync(admin, "leads", "abandoned.csv", "First name,Last name\r\nAbe,\r\n")).GetProperty("id").GetInt32();
        Assert.Equal(1, (await CheckAsync(app, admin, abandoned, """{"mode":"create"}""")).GetProperty("failed").GetInt32());

        app.Clock.Advance(TimeSpan.FromDays(31));
        admin = await app.SignInAsAdminAsync(); // the session of a month ago has ended
        var fresh = (await StartAsync(admin, "leads", "fresh.csv", "First name,Last name\r\nFay,Fresh\r\n")).GetProperty("id").GetInt32();
        await PruneAsync(app);

        Assert.Equal([fresh], await app.InDatabaseAsync(db => db.ImportFiles.Select(f => f.RunId).ToListAsync()));
        Assert.Equal("imported", (await GetAsync(admin, imported)).GetProperty("status").GetString());
        Assert.Single(await RowsAsync(admin, imported, "create"));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Leads.CountAsync(l => l.LastName == "Old")));

        // The abandoned run: its refused rows cannot be downloaded any more, and a new check fails with the reason, writing nothing.
        var download = await admin.Http.GetAsync($"/api/v1/imports/{abandoned}/refused-rows?format=csv");
        Assert.Equal(HttpStatusCode.Conflict, download.StatusCode);
        Assert.Contains("no longer kept", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var rechecked = await CheckAsync(app, admin, abandoned, """{"mode":"create"}""");
        Assert.Equal("failed", rechecked.GetProperty("status").GetString());
        Assert.StartsWith("The file of this import is no longer kept", rechecked.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Leads.CountAsync(l => l.FirstName == "Abe")));
    }

    private static async Task PruneAsync(ImportApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PruneImportFiles>().RunAsync(CancellationToken.None);
    }
}
