using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>The key of an enrolment that waits for its first code: the only time it is ever shown.</summary>
public sealed record PendingKey(string Secret, string QrCode);

/// <summary>One of the person's passkeys as their security page lists it.</summary>
public sealed record OwnPasskey(Guid Id, string Name, DateTime CreatedAt, DateTime? LastUsedAt);

/// <summary><see cref="Enabled"/>: the authenticator app is on; <see cref="Passkeys"/> are second factors too.</summary>
public sealed record OwnSecurity(bool Enabled, PendingKey? Pending, int RecoveryCodesLeft, DateTime? LastUsedAt, bool Required)
{
    public IReadOnlyList<OwnPasskey> Passkeys { get; init; } = [];

    /// <summary>Whether the organisation lets people sign in with a passkey alone.</summary>
    public bool PasswordlessSignIn { get; init; }
}

/// <summary>The signed-in user's two-factor state for /account/security: authenticator app and passkeys.</summary>
public sealed class ReadOwnSecurity(CrmDb db, Authenticator authenticator, RecoveryCodes recoveryCodes, SecondFactorPolicy policy)
{
    public async Task<Result<OwnSecurity>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (actor.Kind != ActorKind.User || actor.IsPreview || actor.UserId is not { } userId)
        {
            return Result<OwnSecurity>.Forbidden("Two-factor sign-in is managed by the person themselves, signed in.");
        }

        var user = await db.Users.FirstAsync(u => u.Id == userId, cancellationToken);
        var enrolment = await db.Set<TwoFactorEnrolment>().AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken);
        PendingKey? pending = null;
        if (enrolment is { ConfirmedAt: null })
        {
            var secret = authenticator.Secret(enrolment);
            pending = new PendingKey(secret, Authenticator.QrCodeDataUri(Authenticator.KeyUri(secret, user.Email ?? user.Id.ToString())));
        }

        var enabled = user.TwoFactorEnabled && enrolment is { ConfirmedAt: not null };
        return Result<OwnSecurity>.Ok(new OwnSecurity(
            enabled,
            pending,
            enabled ? await recoveryCodes.LeftAsync(userId, cancellationToken) : 0,
            enrolment?.LastUsedAt,
            await policy.RequiredForAsync(userId, cancellationToken))
        {
            Passkeys = await db.Set<Passkey>().Where(p => p.UserId == userId).OrderBy(p => p.CreatedAt)
                .Select(p => new OwnPasskey(p.Id, p.Name, p.CreatedAt, p.LastUsedAt)).ToListAsync(cancellationToken),
            PasswordlessSignIn = await policy.PasswordlessSignInAsync(cancellationToken),
        });
    }
}
