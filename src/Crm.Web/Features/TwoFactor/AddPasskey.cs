using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// A person adds a passkey to their own account, in two requests: <see cref="StartAsync"/> checks
/// the name and a fresh sign-in (adding a way to sign in is sensitive, like an API token) and gives
/// the browser its options; <see cref="FinishAsync"/> has Identity's passkey handler verify the
/// authenticator's answer and keeps the public key. The passkey is a second factor from then on.
/// </summary>
public sealed class AddPasskey(
    CrmDb db,
    IPasskeyHandler<CrmUser> handler,
    PasskeyCeremonies ceremonies,
    FreshSignIn freshSignIn,
    TwoFactorNotices notices,
    ActivityLog activity,
    Sessions sessions,
    SignInUser signIn,
    TimeProvider clock,
    ILogger<AddPasskey> log)
{
    public const string NameField = "passkeyName";
    public const string NotByPerson = "Passkeys are added by the person themselves, signed in.";
    public const string Expired = "Adding the passkey took too long or was already finished. Start again.";
    public const string TakenName = "You already have a passkey with this name: choose another, like the device it is on.";

    /// <summary>The browser's creation options (JSON), or why not.</summary>
    public async Task<Result<string>> StartAsync(HttpContext http, string? name, string? password, CancellationToken cancellationToken)
    {
        if (http.SignedIn() is not { ApiTokenName: null, PreviewedBy: null } signedIn)
        {
            return Result<string>.Forbidden(NotByPerson);
        }

        var errors = await CheckNameAsync(signedIn.UserId, null, name, cancellationToken);
        if (errors.Any)
        {
            return Result<string>.Invalid(errors);
        }

        if (await freshSignIn.RequireAsync(password, cancellationToken) is { } refusal)
        {
            return refusal.Map<string>();
        }

        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == signedIn.UserId, cancellationToken);
        var options = await handler.MakeCreationOptionsAsync(
            new PasskeyUserEntity { Id = user.Id.ToString(), Name = user.Email ?? user.Id.ToString(), DisplayName = user.FullName },
            http);
        await ceremonies.BeginAsync(http, PasskeyPurpose.Add, user.Id, signedIn.SessionId, name!.Trim(), options.AttestationState!, cancellationToken);
        return Result<string>.Ok(options.CreationOptionsJson);
    }

    /// <summary>Verifies the authenticator's answer to the ceremony this session started, and keeps the passkey under the name given then.</summary>
    public async Task<Result<string>> FinishAsync(HttpContext http, string? credentialJson, CancellationToken cancellationToken)
    {
        if (http.SignedIn() is not { ApiTokenName: null, PreviewedBy: null } signedIn)
        {
            return Result<string>.Forbidden(NotByPerson);
        }

        var challenge = await ceremonies.ClaimAsync(http, PasskeyPurpose.Add, cancellationToken);
        if (challenge is null || challenge.UserId != signedIn.UserId || challenge.SessionId != signedIn.SessionId)
        {
            return Result<string>.Invalid("", Expired);
        }

        if (PasskeyAnswer.Read(credentialJson) is null)
        {
            return Result<string>.Invalid("", "The browser did not answer with a passkey. Try again, or use another browser.");
        }

        var attestation = await handler.PerformAttestationAsync(new PasskeyAttestationContext
        {
            HttpContext = http,
            CredentialJson = credentialJson!,
            AttestationState = challenge.State,
        });
        if (!attestation.Succeeded || attestation.UserEntity.Id != signedIn.UserId.ToString())
        {
            log.LogWarning("A passkey for user {UserId} was refused: {Reason}", signedIn.UserId, attestation.Failure?.Message);
            return Result<string>.Invalid("", "The passkey could not be added: the answer of the browser or the authenticator did not check out. Try again.");
        }

        var name = challenge.Name ?? "Passkey";
        var errors = await CheckNameAsync(signedIn.UserId, null, name, cancellationToken);
        if (errors.Any)
        {
            return Result<string>.Invalid(errors);
        }

        var user = await db.Users.FirstAsync(u => u.Id == signedIn.UserId, cancellationToken);
        var info = attestation.Passkey;
        db.Add(new Passkey
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            Name = name,
            CredentialId = info.CredentialId,
            PublicKey = info.PublicKey,
            SignCount = info.SignCount,
            Transports = info.Transports is { Length: > 0 } transports ? string.Join(',', transports) : null,
            IsUserVerified = info.IsUserVerified,
            IsBackupEligible = info.IsBackupEligible,
            IsBackedUp = info.IsBackedUp,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        user.TwoFactorEnabled = true;
        activity.Record(http.Actor(), TwoFactorActivity.PasskeyAdded, $"{user.FullName} <{user.Email}> added the passkey \"{name}\"", user.Id);
        notices.Queue(user, "A passkey was added",
            $"The passkey \"{name}\" was added to your CRM account. It can now be used as your second factor when you sign in.");
        await db.SaveChangesAsync(cancellationToken);
        notices.Send();
        log.LogInformation("User {UserId} added a passkey", user.Id);

        // A fresh session without the policy's claims: releases a held one and ends a grace period's banner.
        if (http.User.HasClaim(SecondFactorPolicy.MustEnrolClaim, "true") || http.User.HasClaim(c => c.Type == SecondFactorPolicy.GraceUntilClaim))
        {
            await sessions.EndAsync(http.User, cancellationToken);
            await signIn.StartSessionAsync(user, http, cancellationToken);
        }

        return Result<string>.Ok(name);
    }

    /// <summary>A name is required, short, and not one of the person's other passkeys' (<paramref name="except"/> when renaming).</summary>
    internal async Task<FieldErrors> CheckNameAsync(Guid userId, Guid? except, string? name, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Text(NameField, "Name of the passkey", name, Passkey.NameMaxLength);
        if (errors.Any)
        {
            return errors;
        }

        var trimmed = name!.Trim();
        var names = await db.Set<Passkey>().Where(p => p.UserId == userId && p.Id != except).Select(p => p.Name).ToListAsync(cancellationToken);
        return names.Any(n => string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase)) ? errors.Add(NameField, TakenName) : errors;
    }
}
