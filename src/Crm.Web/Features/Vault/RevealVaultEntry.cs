using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using OtpNet;

namespace Crm.Web.Features.Vault;

/// <summary>
/// Reveal and copy: the only ways a secret leaves the vault, each an explicit POST recorded in the
/// activity log (who, which entry, when, from which address). Both need a fresh sign-in
/// (<see cref="FreshSignIn"/>): a password confirmed within 10 minutes, which may come with the
/// request itself. API tokens and previews never reveal.
/// </summary>
public sealed class RevealVaultEntry(CrmDb db, VaultAccess access, VaultCipher cipher, FreshSignIn freshSignIn, ActivityLog activity, TimeProvider clock)
{
    public const string TokensRefused = "An API token cannot reveal vault secrets: sign in with your password.";

    /// <summary>All secrets of the entry, and the current code of its TOTP seed.</summary>
    public Task<Result<VaultSecrets>> RevealAsync(HttpContext http, int id, string? password, CancellationToken cancellationToken) =>
        RunAsync(http, id, password, copy: false, cancellationToken);

    /// <summary>The password only, for the clipboard; logged as a copy.</summary>
    public Task<Result<VaultSecrets>> CopyAsync(HttpContext http, int id, string? password, CancellationToken cancellationToken) =>
        RunAsync(http, id, password, copy: true, cancellationToken);

    private async Task<Result<VaultSecrets>> RunAsync(HttpContext http, int id, string? password, bool copy, CancellationToken cancellationToken)
    {
        var actor = http.Actor();
        var opened = await access.OpenAsync(actor, id, tracked: false, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<VaultSecrets>();
        }

        if (actor.IsPreview)
        {
            return Result<VaultSecrets>.Forbidden("Secrets are not revealed while previewing as another user.");
        }

        if (actor.Kind == ActorKind.ApiToken)
        {
            return Result<VaultSecrets>.Forbidden(TokensRefused);
        }

        if (!await freshSignIn.IsFreshAsync(http, cancellationToken))
        {
            if (string.IsNullOrEmpty(password))
            {
                return Result<VaultSecrets>.Forbidden(FreshSignIn.Needed);
            }

            var errors = await freshSignIn.ConfirmAsync(http, password, "password", cancellationToken);
            if (errors.Any)
            {
                return Result<VaultSecrets>.Invalid(errors);
            }
        }

        var entry = opened.Value.Entry;
        var secret = await cipher.DecryptAsync(entry.SecretsId, VaultFields.Password, entry.EncryptedPassword, cancellationToken);
        VaultSecrets secrets;
        if (copy)
        {
            secrets = new VaultSecrets(secret, null, null, null);
        }
        else
        {
            var notes = entry.EncryptedNotes is { } n ? await cipher.DecryptAsync(entry.SecretsId, VaultFields.Notes, n, cancellationToken) : null;
            var seed = entry.EncryptedTotpSeed is { } s ? await cipher.DecryptAsync(entry.SecretsId, VaultFields.TotpSeed, s, cancellationToken) : null;
            var code = seed is null ? null : new Totp(Base32Encoding.ToBytes(seed)).ComputeTotp(clock.GetUtcNow().UtcDateTime);
            secrets = new VaultSecrets(secret, notes, seed, code);
        }

        activity.Record(actor, copy ? ActivityKinds.VaultCopied : ActivityKinds.VaultRevealed,
            $"{(copy ? "Copied the password of" : "Revealed")} vault entry '{entry.Name}' (#{entry.Id}) in '{entry.Category!.Name}'");
        await db.SaveChangesAsync(cancellationToken);
        return Result<VaultSecrets>.Ok(secrets);
    }
}
