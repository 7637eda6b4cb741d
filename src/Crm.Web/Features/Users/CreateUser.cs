using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Email.Templates;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.Users;

/// <summary>The new account and its set-password link, which the administrator sees once as a fallback (none for an integration user).</summary>
public sealed record CreatedUser(Guid Id, string Email, string? SetPasswordLink);

/// <summary>
/// An administrator adds a person. The account has no password: a single-use link (72 h) lets
/// the person choose one; it goes out in a welcome email queued in the same transaction.
/// An integration user gets neither password nor email and takes no seat: its next step is an
/// API token or a webhook endpoint.
/// </summary>
public sealed class CreateUser(
    CrmDb db,
    UserManager<CrmUser> users,
    Seats seats,
    TemplatedEmails emails,
    ActivityLog activity,
    PublicUrls urls,
    TimeProvider clock,
    FreshSignIn freshSignIn)
{
    public async Task<Result<CreatedUser>> RunAsync(Actor actor, UserInput input, HttpContext http, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<CreatedUser>.Forbidden("Only administrators can add users.");
        }

        // Another administrator is a sensitive action: it needs a sign-in from the last 10 minutes.
        if (input.IsAdministrator && await freshSignIn.RequireAsync(input.CurrentPassword, cancellationToken) is { } stale)
        {
            return stale.Map<CreatedUser>();
        }

        var (errors, departments, groups) = await UserInputRules.CheckAsync(db, input, cancellationToken);
        var email = input.Email?.Trim() ?? "";
        if (!errors.Any && await users.FindByEmailAsync(email) is not null)
        {
            errors.Add("email", "A user with this email address already exists (perhaps deactivated): reactivate it instead.");
        }

        if (errors.Any)
        {
            return Result<CreatedUser>.Invalid(errors);
        }

        var integration = input.Kind == UserKind.Integration;
        var used = integration ? 0 : await seats.UsedAsync(cancellationToken);
        if (!integration && seats.IsFull(used))
        {
            return Result<CreatedUser>.Conflict(seats.ExhaustedMessage(used));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new CrmUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            FullName = input.FullName!.Trim(),
            RoleId = input.RoleId!.Value,
            IsAdministrator = input.IsAdministrator,
            IsIntegration = integration,
            Language = NullIfEmpty(input.Language),
            TimeZone = NullIfEmpty(input.TimeZone),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return Result<CreatedUser>.Invalid(new FieldErrors().Add("email", string.Join(" ", created.Errors.Select(e => e.Description))));
        }

        await UserInputRules.SetMembershipsAsync(db, user.Id, departments, input.PrimaryDepartmentId, groups, cancellationToken);
        string? link = null;
        if (!integration)
        {
            var token = await users.GenerateUserTokenAsync(user, SetPasswordTokens.ProviderName, SetPasswordTokens.Purpose);
            link = urls.Absolute(http, "/account/set-password", ("user", user.Id.ToString()), ("token", token));
            await emails.QueueAsync(EmailTemplates.Welcome, email, user.Language, new Dictionary<string, string>
            {
                ["name"] = user.FullName,
                ["email"] = email,
                ["inviter"] = actor.DisplayName,
                ["link"] = link,
            }, "welcome", cancellationToken);
        }

        activity.Record(actor, ActivityKinds.UserCreated,
            $"Created {(integration ? "integration user" : user.IsAdministrator ? "administrator" : "user")}{(integration && user.IsAdministrator ? " (administrator)" : "")} {user.FullName} <{email}>", user.Id);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<CreatedUser>.Ok(new CreatedUser(user.Id, email, link));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
