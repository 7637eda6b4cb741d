using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>What a user types to add a sending account; <c>Security</c> is "StartTls", "SslOnConnect" or "None".</summary>
public sealed record SendingAccountInput(string? Name, string? FromAddress, string? Host, int? Port, string? Security,
    string? UserName, string? Password, int? RatePerMinute);

/// <summary>A validated account's connection, for the probe and for saving.</summary>
internal sealed record SendingAccountShape(string Name, string FromAddress, string Host, int Port, SmtpSecurity Security,
    string? UserName, string? Password, int RatePerMinute);

/// <summary>Where an account being edited signs in today, and whether a password is stored for that.</summary>
internal sealed record StoredSignIn(string Host, int Port, SmtpSecurity Security, string? UserName, bool HasPassword)
{
    public static StoredSignIn Of(SendingAccount a) => new(a.Host, a.Port, a.Security, a.UserName, a.ProtectedPassword is not null);

    public static StoredSignIn Of(SendingAccountView a) => new(a.Host, a.Port, a.Security, a.UserName, a.HasPassword);
}

/// <summary>Adds a sending account to the caller; the password is encrypted before it reaches the database.</summary>
public sealed class AddSendingAccount(CrmDb db, SendingAccountSecrets secrets, TimeProvider clock)
{
    public const int MaxAccountsPerUser = 20;
    public const int MaxRatePerMinute = 10_000;

    public async Task<Result<SendingAccountView>> RunAsync(Actor actor, SendingAccountInput input, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<SendingAccountView>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        if (actor.UserId is not { } userId)
        {
            return Result<SendingAccountView>.Forbidden("Only a user has sending accounts.");
        }

        var (shape, errors) = Validate(input);
        if (shape is null)
        {
            return Result<SendingAccountView>.Invalid(errors);
        }

        if (await db.SendingAccounts.CountAsync(a => a.UserId == userId, cancellationToken) >= MaxAccountsPerUser)
        {
            return Result<SendingAccountView>.Invalid("name", $"You have {MaxAccountsPerUser} sending accounts already; remove one first.");
        }

        var account = new SendingAccount
        {
            UserId = userId,
            Name = shape.Name,
            FromAddress = shape.FromAddress,
            Host = shape.Host,
            Port = shape.Port,
            Security = shape.Security,
            UserName = shape.UserName,
            ProtectedPassword = shape.Password is null ? null : secrets.Protect(shape.Password),
            RatePerMinute = shape.RatePerMinute,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.SendingAccounts.Add(account);
        await db.SaveChangesAsync(cancellationToken);
        var isDefault = !await db.SendingAccounts.AnyAsync(a => a.UserId == userId && a.Id < account.Id, cancellationToken);
        return Result<SendingAccountView>.Ok(SendingAccountView.Of(account, isDefault, boundRecipients: 0));
    }

    /// <summary>
    /// One message per field; the shape is null when any field is wrong. For an edit,
    /// <paramref name="stored"/> is how the account signs in today: a blank password keeps the
    /// stored one (the shape's password is then null), but only for the same server and user name.
    /// A stored password is only ever sent to the server and login it was typed for, or whoever
    /// holds the session could point the account at their own server and collect it.
    /// </summary>
    internal static (SendingAccountShape? Shape, FieldErrors Errors) Validate(SendingAccountInput input, StoredSignIn? stored = null)
    {
        var errors = new FieldErrors();
        errors.Text("name", "Name", input.Name, 100).PlainText("name", "Name", input.Name);
        errors.Email("fromAddress", "From address", input.FromAddress);
        errors.Text("host", "Host", input.Host, 255);
        var host = input.Host?.Trim() ?? "";
        if (host.Length is > 0 and <= 255 && !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']'))
        {
            errors.Add("host", "Host must be a server name or IP address, like smtp.example.com.");
        }

        if (input.Port is not { } port || port is < 1 or > 65535)
        {
            errors.Add("port", "Port must be a number between 1 and 65535 (587 with StartTls or 465 with SslOnConnect for most providers).");
        }

        SmtpSecurity security = SmtpSecurity.StartTls;
        if (!string.IsNullOrWhiteSpace(input.Security)
            && !(Enum.TryParse(input.Security.Trim(), ignoreCase: true, out security) && Enum.IsDefined(security) && !int.TryParse(input.Security, out _)))
        {
            errors.Add("security", "Security must be StartTls, SslOnConnect or None.");
        }

        var userName = string.IsNullOrWhiteSpace(input.UserName) ? null : input.UserName.Trim();
        var password = string.IsNullOrEmpty(input.Password) ? null : input.Password;
        errors.Text("userName", "User name", userName, 256, required: false).PlainText("userName", "User name", userName);
        if (password is { Length: > 500 })
        {
            errors.Add("password", "Password must be at most 500 characters.");
        }

        var keepsStored = stored is { HasPassword: true };
        if (userName is null ? password is not null : password is null && !keepsStored)
        {
            errors.Add(userName is null ? "userName" : "password", "Give both a user name and a password, or neither (for a relay without sign-in).");
        }
        else if (keepsStored && userName is not null && password is null
            && (!string.Equals(host, stored!.Host, StringComparison.OrdinalIgnoreCase) || input.Port != stored.Port || security != stored.Security
                || !string.Equals(userName, stored.UserName, StringComparison.Ordinal)))
        {
            errors.Add("password", "Type the password again: the server or user name changed, and a stored password is only sent to the server and user name it was given for.");
        }

        if (input.RatePerMinute is not { } rate || rate is < 1 or > MaxRatePerMinute)
        {
            errors.Add("ratePerMinute", $"Messages per minute must be a number between 1 and {MaxRatePerMinute}.");
        }

        return errors.Any
            ? (null, errors)
            : (new SendingAccountShape(input.Name!.Trim(), input.FromAddress!.Trim(), host, input.Port!.Value, security, userName, password, input.RatePerMinute!.Value), errors);
    }
}
