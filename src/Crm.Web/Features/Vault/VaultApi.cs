using Crm.Web.Security;

namespace Crm.Web.Features.Vault;

/// <summary>A reveal's body: the caller's password, needed when their sign-in is older than 10 minutes.</summary>
public sealed record RevealRequest(string? Password);

/// <summary>
/// The vault under <c>/api/v1/vault</c>, over the same use cases as the pages. Lists and reads never
/// carry a secret; reveal and copy are POSTs, logged, and need a fresh sign-in (so a session, not a token).
/// </summary>
public static class VaultApi
{
    public static RouteGroupBuilder MapVaultApi(this RouteGroupBuilder api)
    {
        var vault = api.MapGroup("/vault").WithTags("Vault");

        vault.MapGet("", async (HttpContext http, string? search, int? categoryId, bool? rotationDue, ListVaultEntries list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new VaultFilter(search, categoryId, rotationDue == true), cancellationToken)).ToHttp())
            .WithName("ListVaultEntries")
            .WithSummary("The entries your grants reach (every entry for administrators), by name, without secrets; rotationDue=true for those due.");

        vault.MapGet("/{id:int}", async (HttpContext http, int id, ReadVaultEntry read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("ReadVaultEntry")
            .WithSummary("One entry without secrets, with its history (\"password changed\", never a value) and, for administrators, its grants.");

        vault.MapPost("", async (HttpContext http, VaultEntryInput body, SaveVaultEntry save, CancellationToken cancellationToken) =>
                (await save.CreateAsync(http.Actor(), body, cancellationToken))
                    .ToHttp(created => Results.Json(created, statusCode: StatusCodes.Status201Created)))
            .WithName("CreateVaultEntry")
            .WithSummary("Adds an entry to a category you hold \"edit\" on; the answer has no secret.");

        vault.MapPut("/{id:int}", async (HttpContext http, int id, VaultEntryInput body, SaveVaultEntry save, CancellationToken cancellationToken) =>
                (await save.UpdateAsync(http.Actor(), id, body, cancellationToken)).ToHttp())
            .WithName("UpdateVaultEntry")
            .WithSummary("Changes an entry you may edit; an empty password, notes or TOTP seed keeps the stored one, removeNotes and removeTotpSeed clear them.");

        vault.MapDelete("/{id:int}", async (HttpContext http, int id, DeleteVaultEntry delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("DeleteVaultEntry")
            .WithSummary("Removes an entry you may edit.");

        vault.MapPost("/{id:int}/reveal", async (HttpContext http, int id, RevealRequest? body, RevealVaultEntry reveal, CancellationToken cancellationToken) =>
                (await reveal.RevealAsync(http, id, body?.Password, cancellationToken)).ToHttp())
            .WithName("RevealVaultEntry")
            .WithSummary("The entry's password, notes, TOTP seed and current TOTP code; logged. Needs a sign-in younger than 10 minutes or your password in the body; refused to API tokens.");

        vault.MapPost("/{id:int}/copy", async (HttpContext http, int id, RevealRequest? body, RevealVaultEntry reveal, CancellationToken cancellationToken) =>
                (await reveal.CopyAsync(http, id, body?.Password, cancellationToken)).ToHttp())
            .WithName("CopyVaultPassword")
            .WithSummary("The entry's password alone, for the clipboard; logged as a copy, with the same fresh sign-in rule as a reveal.");

        vault.MapPost("/generate-password", (PasswordRecipe? body, GeneratePassword generate) =>
                generate.Run(body ?? new PasswordRecipe()).ToHttp(password => Results.Ok(new { password })))
            .WithName("GeneratePassword")
            .WithSummary("A random password from the cryptographic generator (length 8 to 128, 24 by default; lowercase, uppercase, digits, symbols, each on by default).");

        var categories = vault.MapGroup("/categories").RequireAuthorization(Policies.Administrator);
        categories.MapGet("", async (HttpContext http, ListVaultCategories list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ListVaultCategories")
            .WithSummary("Every category with its rotation interval, entry count and grants (administrators).");

        categories.MapPost("", async (HttpContext http, VaultCategoryInput body, SaveVaultCategory save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body, cancellationToken))
                    .ToHttp(created => Results.Json(created, statusCode: StatusCodes.Status201Created)))
            .WithName("CreateVaultCategory")
            .WithSummary("Adds a category; rotationDays defaults to 365.");

        categories.MapPut("/{id:int}", async (HttpContext http, int id, VaultCategoryInput body, SaveVaultCategory save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp())
            .WithName("UpdateVaultCategory")
            .WithSummary("Renames a category or changes its rotation interval.");

        categories.MapDelete("/{id:int}", async (HttpContext http, int id, DeleteVaultCategory delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("DeleteVaultCategory")
            .WithSummary("Removes an empty category with its grants; one with entries is a 409.");

        categories.MapPost("/{id:int}/grants", async (HttpContext http, int id, VaultGrantInput body, SaveVaultGrant save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), VaultGrantPlace.Category(id), body, cancellationToken)).ToHttp())
            .WithName("GrantVaultCategory")
            .WithSummary("Grants view or edit on every entry of the category to one user, group, role (withSubordinates for the roles below) or department.");

        categories.MapDelete("/{id:int}/grants/{grantId:long}", async (HttpContext http, int id, long grantId, RemoveVaultGrant remove, CancellationToken cancellationToken) =>
                (await remove.RunAsync(http.Actor(), VaultGrantPlace.Category(id), grantId, cancellationToken)).ToHttp())
            .WithName("RemoveVaultCategoryGrant")
            .WithSummary("Withdraws a grant on the category.");

        vault.MapPost("/{id:int}/grants", async (HttpContext http, int id, VaultGrantInput body, SaveVaultGrant save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), VaultGrantPlace.Entry(id), body, cancellationToken)).ToHttp())
            .RequireAuthorization(Policies.Administrator)
            .WithName("GrantVaultEntry")
            .WithSummary("Grants view or edit on one entry (administrators).");

        vault.MapDelete("/{id:int}/grants/{grantId:long}", async (HttpContext http, int id, long grantId, RemoveVaultGrant remove, CancellationToken cancellationToken) =>
                (await remove.RunAsync(http.Actor(), VaultGrantPlace.Entry(id), grantId, cancellationToken)).ToHttp())
            .RequireAuthorization(Policies.Administrator)
            .WithName("RemoveVaultEntryGrant")
            .WithSummary("Withdraws a grant on one entry (administrators).");

        return api;
    }
}
