using Crm.Web.Features.Health;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Users;

public sealed class UsersSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddHealthIndicator<InactiveAccountsHealth>();
        services.AddHealthIndicator<SeatsHealth>();
        services.AddScoped<Seats>();
        services.AddScoped<ListUsers>();
        services.AddScoped<ReadUser>();
        services.AddScoped<CreateUser>();
        services.AddScoped<UpdateUser>();
        services.AddScoped<SetUserActive>();
        services.AddScoped<DeleteUser>();
        services.AddSection(new Section("Users", "Add people, assign roles and departments, deactivate leavers.", "/admin/users", 10, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
        services.AddSection(new Section("Seats", "Who holds the licence's seats, and idle accounts.", "/admin/seats", 11, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
    }

    /// <summary>Administrators' user management over the same use cases as the pages.</summary>
    public void MapApi(RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Administrator);

        users.MapGet("", async (HttpContext http, ListUsers list, string? search, UserStatusFilter? status, bool? idle, CancellationToken ct) =>
            (await list.RunAsync(http.Actor(), new UserListQuery(search, status ?? UserStatusFilter.Active, idle ?? false), ct)).ToHttp())
            .WithSummary("Lists users (filter by name/email, status, idle for 90+ days).");

        users.MapGet("/{id:guid}", async (HttpContext http, Guid id, ReadUser read, CancellationToken ct) =>
            (await read.RunAsync(http.Actor(), id, ct)).ToHttp());

        users.MapPost("", async (HttpContext http, UserInput body, CreateUser create, CancellationToken ct) =>
            (await create.RunAsync(http.Actor(), body, http, ct)).ToHttp(c => Results.Created($"/api/v1/users/{c.Id}", c)))
            .WithSummary("Adds a user; the answer carries the set-password link once (a welcome email is queued too).");

        users.MapPut("/{id:guid}", async (HttpContext http, Guid id, bool? dryRun, UserInput body, UpdateUser update, CancellationToken ct) =>
            dryRun == true ? (await update.PreviewAsync(http.Actor(), id, body, ct)).ToHttp() : (await update.RunAsync(http.Actor(), id, body, ct)).ToHttp())
            .WithSummary("Replaces a user's details, role, memberships and administrator flag. With ?dryRun=true, saves nothing and answers who would gain and lose what.");

        users.MapPost("/{id:guid}/deactivate", async (HttpContext http, Guid id, SetUserActive set, CancellationToken ct) =>
            (await set.RunAsync(http.Actor(), id, false, ct)).ToHttp());

        users.MapPost("/{id:guid}/activate", async (HttpContext http, Guid id, SetUserActive set, CancellationToken ct) =>
            (await set.RunAsync(http.Actor(), id, true, ct)).ToHttp());

        users.MapGet("/{id:guid}/delete-impact", async (HttpContext http, Guid id, DeleteUser delete, CancellationToken ct) =>
            (await delete.ImpactAsync(http.Actor(), id, ct)).ToHttp());

        users.MapDelete("/{id:guid}", async (HttpContext http, Guid id, Guid? reassignTo, DeleteUser delete, CancellationToken ct) =>
            (await delete.RunAsync(http.Actor(), id, reassignTo, ct)).ToHttp())
            .WithSummary("Deletes a user after moving everything they own to ?reassignTo=<active user id>, in one transaction.");
    }
}
