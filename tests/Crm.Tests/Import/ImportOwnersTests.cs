using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Roles;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// The owners an import's rows name are read once per run (ADR 0053) and still answer as the per-row save
/// did: the importer's role rule refuses a peer with the form's sentence, a subordinate and the importer
/// themselves are accepted, and each record takes its owner's primary department. On PostgreSQL the facts
/// read are locked until the run ends: a deactivation or a change of department waits for it.
/// </summary>
public sealed class ImportOwnersTests(ImportApp app) : IClassFixture<ImportApp>
{
    [Fact]
    public async Task Owners_read_once_per_run_answer_as_the_save_does_and_stay_locked_until_it_ends()
    {
        var lead = await CompanyKit.RoleAsync(app, "Import lead", null, AssignRecordsTo.SubordinatesOnly,
            [.. CompanyKit.Everything(Scope.All), (CrmModules.Contacts.Key, "import", Scope.All)]);
        var rep = await CompanyKit.RoleAsync(app, "Import rep", lead, AssignRecordsTo.SubordinatesOnly, CompanyKit.Everything(Scope.Own));
        var north = await CompanyKit.DepartmentAsync(app, "Import North");
        var south = await CompanyKit.DepartmentAsync(app, "Import South");
        var importer = await CompanyKit.UserAsync(app, "owners.lead@crm.test", lead, north);
        var below = await CompanyKit.UserAsync(app, "owners.rep@crm.test", rep, south);
        var peer = await CompanyKit.UserAsync(app, "owners.peer@crm.test", lead, south);
        var client = await app.SignInAsync("owners.lead@crm.test", CompanyKit.Password);

        // The API's answer for the peer is the sentence the import must give.
        var api = await client.PostJsonAsync("/api/v1/contacts", $$"""{"firstName":"Api","lastName":"Peer","ownerId":"{{peer.Id}}"}""");
        var sentence = (await api.FieldErrorsAsync("ownerId")).Single();
        Assert.Contains("may assign records only to users of a role below it", sentence, StringComparison.Ordinal);

        var csv = "First name,Last name,Owner\r\n"
                + "Rae,Below,owners.rep@crm.test\r\n"
                + "Pat,Peer,owners.peer@crm.test\r\n"
                + "Ian,Importer,\r\n"
                + "Rob,Below,owners.rep@crm.test\r\n"
                + "Pia,Peer,owners.peer@crm.test\r\n";
        var id = (await StartAsync(client, "contacts", "owners.csv", csv)).GetProperty("id").GetInt32();
        var checkedRun = await CheckAsync(app, client, id, """{"mode":"create","mapping":{"First name":"firstName","Last name":"lastName","Owner":"ownerId"}}""");
        Assert.Equal(3, checkedRun.GetProperty("created").GetInt32());
        Assert.Equal([$"row 3: Owner: {sentence}", $"row 6: Owner: {sentence}"], Problems(await RowsAsync(client, id, "error")));

        var good = (await StartAsync(client, "contacts", "good.csv", "First name,Last name,Owner\r\nRae,Below,owners.rep@crm.test\r\nIan,Importer,\r\n")).GetProperty("id").GetInt32();
        await CheckAsync(app, client, good, """{"mode":"create","mapping":{"First name":"firstName","Last name":"lastName","Owner":"ownerId"}}""");
        Assert.Equal("imported", (await ConfirmAsync(app, client, good)).GetProperty("status").GetString());
        var stamped = await app.InDatabaseAsync(db => db.Contacts.Where(c => c.LastName == "Below" || c.LastName == "Importer")
            .OrderBy(c => c.LastName).Select(c => new { c.OwnerId, c.DepartmentId }).ToListAsync());
        Assert.Equal([(below.Id, (int?)south), (importer.Id, (int?)north)], stamped.Select(s => (s.OwnerId, s.DepartmentId)));

        if (TestDatabase.IsPostgres)
        {
            await HeldOwnersAreLockedAsync(importer.Id, below.Id);
        }
    }

    /// <summary>While a run holds the subordinate's facts, their deactivation and a change of their memberships wait; after it they go through.</summary>
    private async Task HeldOwnersAreLockedAsync(Guid importerId, Guid belowId)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var actor = new Actor(ActorKind.User, importerId, false, "Owners Lead");
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            using (Owners.HoldFactsInTransaction(db))
            {
                Assert.Null(await Owners.ReceiverProblemAsync(db, actor, belowId, CancellationToken.None));
                Assert.NotNull(await Owners.DepartmentOfAsync(db, belowId, CancellationToken.None));
                var deactivate = await OtherSessionAsync($"""UPDATE "Users" SET "IsActive" = false WHERE "Id" = '{belowId}'""");
                Assert.Equal("55P03", deactivate?.SqlState); // lock_not_available
                var move = await OtherSessionAsync($"""UPDATE "UserDepartments" SET "IsPrimary" = false WHERE "UserId" = '{belowId}'""");
                Assert.Equal("55P03", move?.SqlState);
                var roles = await OtherSessionAsync("""UPDATE "Roles" SET "AssignRecordsTo" = "AssignRecordsTo" """);
                Assert.Equal("55P03", roles?.SqlState);
            }

            await transaction.RollbackAsync();
        }

        Assert.Null(await OtherSessionAsync($"""UPDATE "Users" SET "IsActive" = false WHERE "Id" = '{belowId}'"""));
    }

    /// <summary>Runs <paramref name="sql"/> on a connection of its own that waits at most 300 ms for a lock: the error, or null when it ran.</summary>
    private async Task<PostgresException?> OtherSessionAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(app.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET lock_timeout = '300ms'; {sql}", connection);
        try
        {
            await command.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException e)
        {
            return e;
        }
    }
}
