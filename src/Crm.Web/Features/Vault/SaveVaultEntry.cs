using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Records;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace Crm.Web.Features.Vault;

/// <summary>
/// Adds an entry to a category the actor holds "edit" on, or changes one they may edit. Secrets are
/// encrypted before they reach the unit of work, so the audit trail, the logs and the database only
/// ever see ciphertexts (the trail records "(changed)" for each); a new password restarts the
/// rotation interval.
/// </summary>
public sealed class SaveVaultEntry(CrmDb db, VaultAccess access, VaultCipher cipher, TimeProvider clock)
{
    public const int PasswordMaxLength = 1000;
    public const int NotesMaxLength = 8000;
    public const int TotpSeedMaxLength = 200;

    public async Task<Result<VaultEntrySummary>> CreateAsync(Actor actor, VaultEntryInput input, CancellationToken cancellationToken)
    {
        var reach = await access.ReachAsync(actor, cancellationToken);
        if (!reach.IsOk)
        {
            return reach.Map<VaultEntrySummary>();
        }

        if (actor.IsPreview)
        {
            return Result<VaultEntrySummary>.Forbidden(RecordEditing.PreviewRefused);
        }

        var errors = Check(input, creating: true);
        var category = await CategoryAsync(input.CategoryId, reach.Value, errors, cancellationToken);
        if (errors.Any || category is null)
        {
            return Result<VaultEntrySummary>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var entry = new VaultEntry
        {
            SecretsId = Guid.NewGuid(),
            CreatedAt = now,
            CreatedById = actor.UserId,
        };
        await ApplyAsync(entry, input, category, now, cancellationToken);
        db.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        return Result<VaultEntrySummary>.Ok(VaultEntrySummary.Of(entry, category.Name, category.RotationDays, true, now));
    }

    public async Task<Result<VaultEntrySummary>> UpdateAsync(Actor actor, int id, VaultEntryInput input, CancellationToken cancellationToken)
    {
        var opened = await access.OpenAsync(actor, id, tracked: true, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<VaultEntrySummary>();
        }

        var (entry, reach) = opened.Value;
        if (!reach.MayEdit(entry.Id, entry.CategoryId))
        {
            return Result<VaultEntrySummary>.Forbidden(actor.IsPreview ? RecordEditing.PreviewRefused : $"You may view '{entry.Name}' but not change it.");
        }

        var errors = Check(input, creating: false);
        var category = input.CategoryId == entry.CategoryId
            ? entry.Category!
            : await CategoryAsync(input.CategoryId, reach, errors, cancellationToken);
        if (errors.Any || category is null)
        {
            return Result<VaultEntrySummary>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await ApplyAsync(entry, input, category, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return Result<VaultEntrySummary>.Ok(VaultEntrySummary.Of(entry, category.Name, category.RotationDays, true, now));
    }

    private async Task ApplyAsync(VaultEntry entry, VaultEntryInput input, VaultCategory category, DateTime now, CancellationToken cancellationToken)
    {
        entry.Name = input.Name!.Trim();
        entry.Url = Blank(input.Url);
        entry.UserName = Blank(input.UserName);
        entry.CategoryId = category.Id;
        entry.Category = category;
        entry.ModifiedAt = now;
        if (!string.IsNullOrEmpty(input.Password))
        {
            entry.EncryptedPassword = await cipher.EncryptAsync(entry.SecretsId, VaultFields.Password, input.Password, cancellationToken);
            entry.PasswordChangedAt = now;
        }

        if (input.RemoveNotes == true)
        {
            entry.EncryptedNotes = null;
        }
        else if (!string.IsNullOrWhiteSpace(input.Notes))
        {
            entry.EncryptedNotes = await cipher.EncryptAsync(entry.SecretsId, VaultFields.Notes, input.Notes, cancellationToken);
        }

        if (input.RemoveTotpSeed == true)
        {
            entry.EncryptedTotpSeed = null;
        }
        else if (NormaliseSeed(input.TotpSeed) is { Length: > 0 } seed)
        {
            entry.EncryptedTotpSeed = await cipher.EncryptAsync(entry.SecretsId, VaultFields.TotpSeed, seed, cancellationToken);
        }
    }

    private static FieldErrors Check(VaultEntryInput input, bool creating)
    {
        var errors = new FieldErrors()
            .Text("name", "The name", input.Name, 200)
            .Text("userName", "The user name", input.UserName, 200, required: false)
            .Text("url", "The URL", input.Url, 2000, required: false);
        if (!string.IsNullOrWhiteSpace(input.Url) && input.Url.Trim().Length <= 2000
            && !(Uri.TryCreate(input.Url.Trim(), UriKind.Absolute, out var url) && url.Scheme is "https" or "http"))
        {
            errors.Add("url", "The URL must be a web address starting with https:// or http://.");
        }

        if (string.IsNullOrEmpty(input.Password))
        {
            if (creating)
            {
                errors.Add("password", "The password is required.");
            }
        }
        else if (input.Password.Length > PasswordMaxLength)
        {
            errors.Add("password", $"The password must be at most {PasswordMaxLength} characters.");
        }

        errors.Text("notes", "The notes", input.Notes, NotesMaxLength, required: false);
        if (NormaliseSeed(input.TotpSeed) is { Length: > 0 } seed)
        {
            if (seed.Length > TotpSeedMaxLength || !IsBase32(seed))
            {
                errors.Add("totpSeed", "The TOTP seed must be the base32 key the service showed (letters A to Z and digits 2 to 7), at most 200 characters.");
            }
        }

        if (input.CategoryId is null)
        {
            errors.Add("categoryId", "Choose a category.");
        }

        return errors;
    }

    /// <summary>The category if it exists and the actor may add entries to it; else an error on the field.</summary>
    private async Task<VaultCategory?> CategoryAsync(int? id, VaultReach reach, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (id is not { } categoryId)
        {
            return null;
        }

        var category = await db.Set<VaultCategory>().FirstOrDefaultAsync(c => c.Id == categoryId, cancellationToken);
        if (category is null || !reach.MayAddTo(categoryId))
        {
            // A category one has no edit grant on is named the same as one that does not exist.
            errors.Add("categoryId", "Choose a category you may add entries to.");
            return null;
        }

        return category;
    }

    /// <summary>Seeds are shown in groups ("JBSW Y3DP …") and sometimes in lower case; padding is optional.</summary>
    public static string? NormaliseSeed(string? seed) =>
        seed is null ? null : new string([.. seed.Where(c => !char.IsWhiteSpace(c) && c != '-')]).TrimEnd('=').ToUpperInvariant();

    private static bool IsBase32(string seed)
    {
        if (!seed.All(c => c is >= 'A' and <= 'Z' or >= '2' and <= '7'))
        {
            return false;
        }

        try
        {
            return Base32Encoding.ToBytes(seed).Length > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The names that bind each ciphertext to its field (part of the associated data).</summary>
public static class VaultFields
{
    public const string Password = "password";
    public const string Notes = "notes";
    public const string TotpSeed = "totpSeed";
}
