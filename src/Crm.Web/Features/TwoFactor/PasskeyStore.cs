using Crm.Web.Data;
using Crm.Web.Features.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Identity's user store with the passkey part over our own <see cref="Passkey"/> table (ADR 0049):
/// Identity's passkey handler reads credentials through <see cref="UserManager{TUser}"/>, while
/// Identity's own passkey table keeps its data in a JSON column that has no last use and cannot be
/// updated conditionally. Writes (add, rename, remove, the counter) go through <see cref="CrmDb"/>
/// in the use cases, with their audit rows; the write methods here exist for the interface.
/// </summary>
public sealed class PasskeyStore(CrmDb context, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<CrmUser, CrmDb, Guid>(context, describer), IUserPasskeyStore<CrmUser>
{
    async Task IUserPasskeyStore<CrmUser>.AddOrUpdatePasskeyAsync(CrmUser user, UserPasskeyInfo passkey, CancellationToken cancellationToken)
    {
        var stored = await Context.Set<Passkey>().FirstOrDefaultAsync(p => p.UserId == user.Id && p.CredentialId == passkey.CredentialId, cancellationToken);
        if (stored is null)
        {
            stored = new Passkey { Id = Guid.CreateVersion7(), UserId = user.Id, CredentialId = passkey.CredentialId, CreatedAt = passkey.CreatedAt.UtcDateTime };
            Context.Add(stored);
        }

        stored.Name = passkey.Name ?? stored.Name;
        stored.PublicKey = passkey.PublicKey;
        stored.SignCount = passkey.SignCount;
        stored.Transports = passkey.Transports is { Length: > 0 } transports ? string.Join(',', transports) : null;
        stored.IsUserVerified = passkey.IsUserVerified;
        stored.IsBackupEligible = passkey.IsBackupEligible;
        stored.IsBackedUp = passkey.IsBackedUp;
        await Context.SaveChangesAsync(cancellationToken);
    }

    async Task<IList<UserPasskeyInfo>> IUserPasskeyStore<CrmUser>.GetPasskeysAsync(CrmUser user, CancellationToken cancellationToken) =>
        (await Context.Set<Passkey>().AsNoTracking().Where(p => p.UserId == user.Id).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken))
            .Select(Info).ToList();

    async Task<CrmUser?> IUserPasskeyStore<CrmUser>.FindByPasskeyIdAsync(byte[] credentialId, CancellationToken cancellationToken)
    {
        var userId = await Context.Set<Passkey>().Where(p => p.CredentialId == credentialId).Select(p => (Guid?)p.UserId).FirstOrDefaultAsync(cancellationToken);
        return userId is { } id ? await Context.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken) : null;
    }

    async Task<UserPasskeyInfo?> IUserPasskeyStore<CrmUser>.FindPasskeyAsync(CrmUser user, byte[] credentialId, CancellationToken cancellationToken) =>
        await Context.Set<Passkey>().AsNoTracking().FirstOrDefaultAsync(p => p.UserId == user.Id && p.CredentialId == credentialId, cancellationToken) is { } passkey
            ? Info(passkey)
            : null;

    async Task IUserPasskeyStore<CrmUser>.RemovePasskeyAsync(CrmUser user, byte[] credentialId, CancellationToken cancellationToken) =>
        await Context.Set<Passkey>().Where(p => p.UserId == user.Id && p.CredentialId == credentialId).ExecuteDeleteAsync(cancellationToken);

    /// <summary>
    /// What the handler checks an assertion against; registration's attestation is not kept (we verify none).
    /// The counter is given as 0, so the handler verifies everything else and reports the counter the
    /// authenticator sent: <see cref="SignInWithPasskey"/> compares it with the stored one in a
    /// conditional update, which tells a stale counter apart from other failures and cannot be raced.
    /// </summary>
    private static UserPasskeyInfo Info(Passkey passkey) => new(
        passkey.CredentialId,
        passkey.PublicKey,
        new DateTimeOffset(DateTime.SpecifyKind(passkey.CreatedAt, DateTimeKind.Utc)),
        0,
        passkey.Transports?.Split(',', StringSplitOptions.RemoveEmptyEntries),
        passkey.IsUserVerified,
        passkey.IsBackupEligible,
        passkey.IsBackedUp,
        [],
        [])
    {
        Name = passkey.Name,
    };
}
