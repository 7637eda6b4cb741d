using Crm.Web.Features.Account;
using Crm.Web.Features.Demo;
using Crm.Web.Operations;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Data;

public static class DatabaseStartup
{
    /// <summary>Brings the database to the current schema, then makes sure someone can sign in.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CrmDb>();
        await db.Database.MigrateAsync(cancellationToken);

        var console = services.GetService<OperatorConsole>()?.Out ?? Console.Out;
        await services.GetRequiredService<FirstAdministrator>().EnsureAsync(console, cancellationToken);
        if (app.Configuration.GetValue<bool>("Crm:DemoData"))
        {
            await services.GetRequiredService<DemoOrganisation>().EnsureAsync(console, cancellationToken);
        }
    }
}
