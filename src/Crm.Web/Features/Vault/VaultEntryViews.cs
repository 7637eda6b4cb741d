using Crm.Web.Records;

namespace Crm.Web.Features.Vault;

/// <summary>
/// An entry as lists, the API and the entry's page show it: never a secret, only whether the entry
/// has notes or a TOTP seed. Rotation is due once the password is older than its category's interval.
/// </summary>
[ApiSchemaName("VaultEntry")]
public sealed record VaultEntrySummary(
    int Id, string Name, string? Url, string? UserName, int CategoryId, string Category,
    DateTime PasswordChangedAt, DateTime RotationDueAt, bool RotationDue, bool HasNotes, bool HasTotpSeed, string Access)
{
    public static VaultEntrySummary Of(VaultEntry entry, string category, int rotationDays, bool mayEdit, DateTime now)
    {
        var dueAt = entry.PasswordChangedAt.AddDays(rotationDays);
        return new VaultEntrySummary(entry.Id, entry.Name, entry.Url, entry.UserName, entry.CategoryId, category,
            entry.PasswordChangedAt, dueAt, dueAt <= now, entry.EncryptedNotes is not null, entry.EncryptedTotpSeed is not null,
            mayEdit ? "edit" : "view");
    }
}

/// <summary>
/// An entry's fields as the API's body and the form give them. On a change, an empty password,
/// notes or TOTP seed keeps the stored one (the form never shows them); <see cref="RemoveNotes"/>
/// and <see cref="RemoveTotpSeed"/> clear them.
/// </summary>
[ApiSchemaName("VaultEntryInput")]
public sealed record VaultEntryInput(
    string? Name, string? Url, string? UserName, string? Password, string? Notes, int? CategoryId, string? TotpSeed,
    bool? RemoveNotes = null, bool? RemoveTotpSeed = null);

/// <summary>What a reveal hands back: the secrets, and the current code of the TOTP seed if the entry has one.</summary>
[ApiSchemaName("VaultSecrets")]
public sealed record VaultSecrets(string Password, string? Notes, string? TotpSeed, string? TotpCode);
