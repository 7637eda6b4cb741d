using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// Tries a sending account's server before it is saved (SmtpProbe: connect, EHLO, STARTTLS or
/// implicit TLS with the certificate checked, AUTH when the server offers it, NOOP, QUIT). Nothing
/// is stored. The password is the one typed, or for an edit that keeps it the stored one, which
/// validation only lets through for the same server and user name it was given for.
/// </summary>
public sealed class TestSendingAccount(CrmDb db, SendingAccountSecrets secrets)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Probes the server of <paramref name="input"/>; <paramref name="editing"/> is the account being edited, if any, validated as its edit would be.</summary>
    public async Task<Result<string>> RunAsync(Actor actor, SendingAccountInput input, SendingAccountView? editing, CancellationToken cancellationToken)
    {
        if (actor.UserId is null)
        {
            return Result<string>.Forbidden("Only a user has sending accounts.");
        }

        var (shape, errors) = AddSendingAccount.Validate(input, editing is null ? null : StoredSignIn.Of(editing));
        if (shape is null)
        {
            return Result<string>.Invalid(errors);
        }

        var password = shape.Password;
        if (password is null && shape.UserName is not null && editing is not null)
        {
            var stored = await db.SendingAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == editing.Id && a.UserId == actor.UserId, cancellationToken);
            password = stored is null ? null : secrets.Password(stored);
        }

        var smtp = secrets.Settings(shape.Host, shape.Port, shape.Security, shape.FromAddress, shape.UserName, password);
        var (failure, signedIn) = await SmtpProbe.TryAsync(smtp, Timeout, cancellationToken);
        if (failure is not null)
        {
            return Result<string>.Invalid(failure.Field, failure.Message);
        }

        var where = $"{shape.Host}:{shape.Port}";
        return Result<string>.Ok(signedIn ? $"{where} answers like an SMTP server and accepted the user name and password."
            : shape.UserName is null ? $"{where} answers like an SMTP server."
            : $"{where} answers like an SMTP server. It offers no sign-in on this connection, so the user name and password are not sent.");
    }
}
