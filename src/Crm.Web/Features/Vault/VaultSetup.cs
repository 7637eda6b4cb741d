using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Web;

namespace Crm.Web.Features.Vault;

/// <summary>
/// The team password vault (issue 27). Its permissions are its own grants, declared and resolved
/// here (<see cref="VaultAccess"/>) rather than in the role matrix: a grant names an entry or a
/// category and a user, group, role or department, with "view" or "edit". Categories and grants are
/// administrators' (the /admin convention and <see cref="Security.Policies.Administrator"/> on the API).
/// </summary>
public sealed class VaultSetup : ICrmFeature
{
    public void MapApi(RouteGroupBuilder api) => api.MapVaultApi();

    public void AddServices(IServiceCollection services)
    {
        services.AddHealthIndicator<VaultRotationHealth>();
        // One per process: it holds the vault key once unprotected.
        services.AddSingleton<VaultCipher>();
        services.AddScoped<VaultAccess>();
        services.AddScoped<ListVaultEntries>();
        services.AddScoped<ReadVaultEntry>();
        services.AddScoped<SaveVaultEntry>();
        services.AddScoped<DeleteVaultEntry>();
        services.AddScoped<RevealVaultEntry>();
        services.AddScoped<ListVaultCategories>();
        services.AddScoped<SaveVaultCategory>();
        services.AddScoped<DeleteVaultCategory>();
        services.AddScoped<SaveVaultGrant>();
        services.AddScoped<RemoveVaultGrant>();
        services.AddSingleton<GeneratePassword>();

        // Listed for everyone: who sees which entry is decided per entry by the grants.
        services.AddSection(new Section("Password vault", "Shared accounts of the team: reveal or copy a password, rotation due.", "/vault", 80, _ => true));
        services.AddSection(new Section(
            "Password vault",
            "Categories of shared credentials, their rotation interval, and who may view or edit them.",
            "/admin/vault",
            560,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
        services.AddHelpTopic(s_adminHelp);
    }

    private static readonly HelpTopic s_help = new("vault", "Password vault",
    [
        "The password vault keeps the team's shared credentials (a supplier's portal, the router, the social media accounts), each with a name, web address, user name, password, notes and, for accounts protected by an authenticator app, the TOTP seed. Your own personal passwords do not belong here.",
        "The list shows the entries you were granted, by category, without any password: search by name, address or user name, pick a category, or tick \"Rotation due\" to see the passwords older than their category's rotation interval (a year unless the administrator chose otherwise).",
        "Reveal shows the password, the notes and the current six-digit code of the TOTP seed; Copy puts the password on the clipboard without showing it. Both are recorded in the activity log with your name, the entry, the time and your address. If you signed in more than 10 minutes ago, the CRM asks for your password first.",
        "With \"edit\" access you can change an entry or add one to the category. Leave the password, notes or TOTP seed empty to keep what is stored; Generate fills in a random password of the length and kinds of characters you choose. Changing the password restarts the rotation interval, and the entry's history says \"password changed\", never the password.",
        "The secrets are stored encrypted: a copy of the database alone reveals none of them. They never appear in exports, search, webhooks or the entry's history.",
    ]);

    private static readonly HelpTopic s_adminHelp = new("vault-admin", "Managing the password vault",
    [
        "Create categories for the kinds of credentials (Servers, Suppliers, Social media) with a rotation interval each: an entry whose password is older than it is marked \"rotation due\".",
        "Grant access on a category (every entry in it, present and future) or on a single entry, to a user, a group, a role (optionally with the roles below it) or a department (its members and the heads of the departments above it). \"View\" lets them reveal and copy; \"edit\" lets them change entries, and add entries to the category.",
        "Administrators see every entry in the list, but the list never shows a secret, and a reveal by an administrator is logged like anyone's. Withdrawing a grant bites on the person's next request; a category with entries cannot be deleted.",
        "When someone leaves, rotate the passwords of the entries they could see.",
    ], AdministratorsOnly: true);
}
