using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.TwoFactor;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

/// <summary>
/// An administrator changes a user's details, role, memberships or administrator flag. Nobody can
/// change their own role or administrator flag (another administrator must), and the last active
/// administrator cannot lose the flag.
/// </summary>
public sealed class UpdateUser(CrmDb db, UserManager<CrmUser> users, ActivityLog activity, PermissionWhatIf whatIf, Seats seats, Sessions sessions, FreshSignIn freshSignIn,
    SecondFactorPolicy secondFactor, TimeProvider clock)
{
    /// <summary>What saving these details (role, groups, departments, administrator flag) would change for whom, without saving them (<c>?dryRun=true</c>, the page's Preview).</summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, Guid userId, UserInput input, CancellationToken cancellationToken)
    {
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.FullName).FirstOrDefaultAsync(cancellationToken);
        return await whatIf.RunAsync(actor, $"role and memberships of {name}", (inside, ct) => inside.GetRequiredService<UpdateUser>().RunAsync(actor, userId, input, ct), cancellationToken);
    }

    public async Task<Result> RunAsync(Actor actor, Guid userId, UserInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators can change users.");
        }

        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return Result.NotFound();
        }

        // Making someone an administrator is a sensitive action: it needs a sign-in from the last 10 minutes.
        if (input.IsAdministrator && !user.IsAdministrator && await freshSignIn.RequireAsync(input.CurrentPassword, cancellationToken) is { } stale)
        {
            return stale;
        }

        var (errors, departments, groups) = await UserInputRules.CheckAsync(db, input, cancellationToken);
        var email = input.Email?.Trim() ?? "";
        if (!errors.Any && await users.FindByEmailAsync(email) is { } other && other.Id != user.Id)
        {
            errors.Add("email", "Another user already has this email address.");
        }

        if (user.Id == actor.UserId && input.RoleId != user.RoleId)
        {
            errors.Add("roleId", "You cannot change your own role: ask another administrator.");
        }

        if (user.Id == actor.UserId && input.IsAdministrator != user.IsAdministrator)
        {
            errors.Add("isAdministrator", "You cannot change your own administrator flag: ask another administrator.");
        }

        if (user.IsAdministrator && !input.IsAdministrator && user.IsActive
            && !await Administrators.AnyOtherActiveAsync(db, user.Id, cancellationToken))
        {
            errors.Add("isAdministrator", "This is the last active administrator: make someone else an administrator first.");
        }

        var integration = input.Kind == UserKind.Integration;
        if (integration && user.Id == actor.UserId)
        {
            errors.Add("kind", "You cannot make your own account an integration user: it could no longer sign in.");
        }

        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        if (!integration && user.IsIntegration && user.IsActive)
        {
            // Becoming a person takes a seat.
            var used = await seats.UsedAsync(cancellationToken);
            if (seats.IsFull(used))
            {
                return Result.Conflict(seats.ExhaustedMessage(used));
            }
        }

        var changes = Describe(user, input, email);
        // A preview already holds the transaction it will roll back: the save joins it.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (!string.Equals(user.Email, email, StringComparison.Ordinal))
        {
            user.Email = email;
            user.UserName = email;
        }

        var privilegesChanged = user.IsAdministrator != input.IsAdministrator || user.RoleId != input.RoleId;
        user.FullName = input.FullName!.Trim();
        user.RoleId = input.RoleId!.Value;
        user.IsAdministrator = input.IsAdministrator;
        var becameIntegration = integration && !user.IsIntegration;
        user.IsIntegration = integration;
        user.Language = string.IsNullOrWhiteSpace(input.Language) ? null : input.Language;
        user.TimeZone = string.IsNullOrWhiteSpace(input.TimeZone) ? null : input.TimeZone;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return Result.Invalid(new FieldErrors().Add("email", string.Join(" ", updated.Errors.Select(e => e.Description))));
        }

        await UserInputRules.SetMembershipsAsync(db, user.Id, departments, input.PrimaryDepartmentId, groups, cancellationToken);
        if (privilegesChanged)
        {
            // A new role or administrator flag may bring the two-factor policy to cover them: their grace period starts now.
            await secondFactor.FollowPrivilegeChangeAsync(user, clock.GetUtcNow().UtcDateTime, cancellationToken);
        }

        if (becameIntegration)
        {
            // An integration user cannot hold a browser session: the open ones end now.
            await sessions.RevokeAllAsync(user.Id, cancellationToken);
        }

        activity.Record(actor, privilegesChanged ? ActivityKinds.PermissionChanged : ActivityKinds.UserChanged,
            $"Changed {user.FullName} <{email}>: {changes}", user.Id);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return Result.Ok();
    }

    private static string Describe(CrmUser user, UserInput input, string email)
    {
        var parts = new List<string>();
        if (!string.Equals(user.Email, email, StringComparison.Ordinal))
        {
            parts.Add($"email {user.Email} → {email}");
        }

        if (user.FullName != input.FullName?.Trim())
        {
            parts.Add($"name {user.FullName} → {input.FullName?.Trim()}");
        }

        if (user.RoleId != input.RoleId)
        {
            parts.Add($"role #{user.RoleId} → #{input.RoleId}");
        }

        if (user.IsAdministrator != input.IsAdministrator)
        {
            parts.Add(input.IsAdministrator ? "made administrator" : "administrator flag removed");
        }

        if (user.IsIntegration != (input.Kind == UserKind.Integration))
        {
            parts.Add(input.Kind == UserKind.Integration ? "made an integration user (no sign-in, no seat)" : "made a person (signs in, takes a seat)");
        }

        parts.Add("memberships saved");
        return string.Join("; ", parts);
    }
}
