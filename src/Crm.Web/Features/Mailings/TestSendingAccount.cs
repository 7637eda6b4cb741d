using Crm.Web.Features.Settings;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// Tries a sending account's server before it is saved (SmtpProbe: connect, EHLO, STARTTLS when
/// asked, NOOP, QUIT). Nothing is stored; the password is validated but never sent by the probe.
/// </summary>
public sealed class TestSendingAccount
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

        var failure = await SmtpProbe.TryAsync(shape.Host, shape.Port, shape.Security, Timeout, cancellationToken);
        return failure is null
            ? Result<string>.Ok($"{shape.Host}:{shape.Port} answers like an SMTP server. The user name and password are checked with the first message sent.")
            : Result<string>.Invalid(failure.Field, failure.Message);
    }
}
