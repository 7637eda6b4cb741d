using Crm.Web.Features.Account;
using Crm.Web.Features.Countries;
using Crm.Web.Features.Demo;
using Crm.Web.Features.Roles;
using Crm.Web.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data;

public static class DatabaseStartup
{
    /// <summary>Brings the database to the current schema, then makes sure someone can sign in.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CrmDb>();
        await db.ApplyMigrationsAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // Write-ahead logging lets readers and a writer work at once; it persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await DefaultRoles.EnsureAsync(db, cancellationToken);
        await ShippedCountries.EnsureAsync(db, cancellationToken);
        var console = services.GetService<OperatorConsole>()?.Out ?? Console.Out;
        await services.GetRequiredService<FirstAdministrator>().EnsureAsync(console, cancellationToken);
        if (app.Configuration.GetValue<bool>("Crm:DemoData"))
        {
            await services.GetRequiredService<DemoOrganisation>().EnsureAsync(console, cancellationToken);
        }
    }

    /// <summary>
    /// Applies the migrations the database does not have yet (all of them on an empty one). The
    /// tests build their template database with this same step (ADR 0014).
    /// </summary>
    public static async Task ApplyMigrationsAsync(this CrmDb db, CancellationToken cancellationToken)
    {
        // On an empty PostgreSQL database EF reads the history table before creating it and logs
        // that failed read as an error (efcore.pg#3407): creating it first keeps a first start clean.
        await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
