using Crm.Web.Features.Help;
using Crm.Web.Security;

namespace Crm.Web.Features.Offboarding;

/// <summary>
/// The offboarding wizard (issue 27): the seed's "departing employee" procedure as one guided,
/// audited flow at <c>/admin/users/{id}/offboard</c>, and the same steps under
/// <c>/api/v1/users/{id}/offboarding</c>, each over the same use case as the page.
/// </summary>
public sealed class OffboardingSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ReadOffboarding>();
        services.AddScoped<DeactivateLeaver>();
        services.AddScoped<ReassignLeaversRecords>();
        services.AddScoped<RevokeLeaversTokens>();
        services.AddScoped<SaveOffboardingChecklist>();
        services.AddHelpTopic(s_help);
    }

    public void MapApi(RouteGroupBuilder api)
    {
        var offboarding = api.MapGroup("/users/{id:guid}/offboarding").WithTags("Offboarding").RequireAuthorization(Policies.Administrator);

        offboarding.MapGet("", async (HttpContext http, Guid id, ReadOffboarding read, CancellationToken ct) =>
                (await read.RunAsync(http.Actor(), id, ct)).ToHttp())
            .WithName("ReadOffboarding")
            .WithSummary("A leaver's offboarding: each step done (when, by whom, what it did), the external-systems checklist, and everything they still hold (records by module, open tasks, API tokens, webhooks, sending accounts, vault entries to rotate, automation rules).");

        offboarding.MapPost("/deactivate", async (HttpContext http, Guid id, DeactivateLeaver deactivate, CancellationToken ct) =>
                (await deactivate.RunAsync(http.Actor(), id, ct)).ToHttp())
            .WithName("OffboardingDeactivate")
            .WithSummary("Step 1: deactivates the account now (every session ends, sign-in and its API tokens are refused, the seat is freed). Repeating it changes nothing.");

        offboarding.MapPost("/reassign", async (HttpContext http, Guid id, bool? dryRun, ReassignInput body, ReassignLeaversRecords reassign, CancellationToken ct) =>
                (dryRun == true ? await reassign.PreviewAsync(http.Actor(), id, body, ct) : await reassign.RunAsync(http.Actor(), id, body, ct)).ToHttp())
            .WithName("OffboardingReassign")
            .WithSummary("Step 3: moves every record the leaver owns, in every module, to the active user receiverId, in one transaction (the account must be deactivated first). With ?dryRun=true, moves nothing and answers the counts by module.");

        offboarding.MapPost("/revoke-tokens", async (HttpContext http, Guid id, RevokeLeaversTokens revoke, CancellationToken ct) =>
                (await revoke.RunAsync(http.Actor(), id, ct)).ToHttp())
            .WithName("OffboardingRevokeTokens")
            .WithSummary("Step 4: revokes every live API token acting as the leaver, for good; answers the tokens revoked.");

        offboarding.MapPut("/checklist", async (HttpContext http, Guid id, ChecklistInput body, SaveOffboardingChecklist save, CancellationToken ct) =>
                (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp())
            .WithName("OffboardingChecklist")
            .WithSummary("Step 5: replaces the checklist of external systems (items: name, revoked). Corporate email and VPN are always on it; the step is done when every item is revoked.");
    }

    private static readonly HelpTopic s_help = new("offboarding", "Offboarding a leaver",
    [
        "When someone leaves, open their user page and choose Offboard. The wizard walks through the departure procedure; each step shows when it was done and by whom, so you can stop and come back later. Every step is recorded in the activity log.",
        "1. Deactivate now: the person is signed out of every browser at once, cannot sign in, their API tokens stop working, and their seat is freed. Do this on their last day.",
        "2. What the person holds: the records they own in each module, their open tasks (also those they share with others), API tokens acting as them or created by them, webhook endpoints, sending accounts, the vault entries they could see (change those passwords: they may have copied them) and the automation rules they own or that act as them. Each line links to where you deal with it.",
        "3. Reassign records: choose one active colleague, press Preview to see how many records of each module will move, then confirm. Everything moves in one step, or nothing does; contacts follow their companies as in a transfer. The departing person and deactivated users cannot receive records.",
        "4. Revoke API tokens: ends the tokens acting as the person for good, even if the account were reactivated later. Tokens they created for integration users are listed in step 2; revoke those on the API tokens page if the integration should stop too.",
        "5. External systems: the CRM cannot close the person's corporate email or VPN account. End that access in those systems, then tick them here; add any other system (a cloud drive, the phone system) by name. The step is done when every line is ticked.",
        "The summary lists what was done, when and by whom; print it (or save it as PDF) for the personnel file.",
    ], AdministratorsOnly: true);
}
