using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Crm.Web.Features.Email;

/// <summary>What went wrong in an SMTP conversation: the settings field to blame and the reason, in the administrator's words.</summary>
public sealed record SmtpProblem(string Field, string Message);

/// <summary>
/// One connection to an SMTP server with MailKit (ADR 0016), shared by the sender and the probe:
/// connects with the chosen security (STARTTLS, implicit TLS or none), validates the server's
/// certificate (the system's trust store, plus the thumbprints the operator pinned), signs in when a
/// user name and password are set, and turns any failure into an <see cref="SmtpProblem"/> that
/// keeps the server's exact reply. The password goes to the server only; it is never in a message.
/// </summary>
internal sealed class SmtpConversation : IDisposable
{
    private readonly SmtpClient _client = new();
    private readonly SmtpSettings _smtp;
    private readonly string _host;
    private readonly HashSet<string> _trusted;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _deadline;
    private string? _refusedCertificate;
    private bool _connected;

    private SmtpConversation(SmtpSettings smtp, TimeSpan timeout)
    {
        // Callers check the settings first (SmtpSettings.Problems, the forms' validation).
        ArgumentException.ThrowIfNullOrWhiteSpace(smtp.Host);
        _host = smtp.Host;
        _smtp = smtp;
        _timeout = timeout;
        _trusted = new HashSet<string>(smtp.TrustedThumbprints(), StringComparer.Ordinal);
        // Per read and write; the caller bounds the whole conversation with its own token as well.
        _client.Timeout = (int)Math.Clamp(timeout.TotalMilliseconds, 1_000, int.MaxValue);
        // And the whole conversation: a server answering one byte at a time must not hold a
        // delivery run (or a settings page) for longer than the timeout either.
        _deadline = new CancellationTokenSource(timeout);
        _client.ServerCertificateValidationCallback = ValidateCertificate;
    }

    private string Where => $"{_smtp.Host}:{_smtp.Port}";

    /// <summary>Connects, says EHLO, secures the connection as <paramref name="smtp"/> asks and signs in when credentials are set.</summary>
    /// <exception cref="SmtpConversationException">The server could not be reached, refused, or could not be trusted.</exception>
    public static async Task<SmtpConversation> OpenAsync(SmtpSettings smtp, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var conversation = new SmtpConversation(smtp, timeout);
        try
        {
            await conversation.ConnectAsync(cancellationToken);
            return conversation;
        }
        catch
        {
            conversation.Dispose();
            throw;
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var options = _smtp.Security switch
        {
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            // Never a silent fall back to plain text for a value nobody chose.
            _ => throw new SmtpConversationException(new SmtpProblem("security", $"Security must be StartTls, SslOnConnect or None (it is {_smtp.Security})."),
                new InvalidOperationException($"Undefined SmtpSecurity {(int)_smtp.Security}")),
        };
        await Guard(token => _client.ConnectAsync(_host, _smtp.Port, options, token), cancellationToken);
        _connected = true;

        // A relay that offers no AUTH is given no password; if it wanted one, its reply to the
        // sender says so (530), which is the message the administrator then sees.
        if (!string.IsNullOrWhiteSpace(_smtp.UserName) && !string.IsNullOrEmpty(_smtp.Password)
            && _client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
        {
            await Guard(token => _client.AuthenticateAsync(_smtp.UserName, _smtp.Password, token), cancellationToken);
        }
    }

    /// <summary>True when the server signed the CRM in (it offered AUTH and accepted the credentials).</summary>
    public bool SignedIn => _client.IsAuthenticated;

    public Task NoOpAsync(CancellationToken cancellationToken) => Guard(token => _client.NoOpAsync(token), cancellationToken);

    /// <summary>Hands the message over; returns the server's acceptance reply.</summary>
    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var reply = "";
        await Guard(async token => reply = await _client.SendAsync(message, token), cancellationToken);
        return reply;
    }

    /// <summary>Says QUIT. The work is done by then, so a server that hangs up first changes nothing.</summary>
    public async Task CloseAsync()
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.DisconnectAsync(quit: true, limit.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or TimeoutException)
        {
            // The message was accepted (or the probe answered) before QUIT: nothing to report.
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _deadline.Dispose();
    }

    /// <summary>Runs one step and turns the failures SMTP can have into <see cref="SmtpConversationException"/>; the caller's cancellation passes through.</summary>
    private async Task Guard(Func<CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token);
        try
        {
            await step(limit.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Explain(e) is { } problem)
        {
            // Bounded: it is stored as the queue's last error (2,000 characters), and a server's reply can be long.
            throw new SmtpConversationException(problem.Message.Length <= 2000 ? problem : problem with { Message = problem.Message[..1999] + "…" }, e);
        }
    }

    /// <summary>The failure in words, or null for an exception that is not SMTP's (a bug: it propagates).</summary>
    private SmtpProblem? Explain(Exception e)
    {
        var seconds = $"{_timeout.TotalSeconds:0} seconds";
        return e switch
        {
            SmtpCommandException command => Refusal(command),
            MailKit.Security.AuthenticationException => new SmtpProblem("password",
                $"{Where} did not accept the user name {_smtp.UserName} with its password: {Reply(e.InnerException as SmtpCommandException) ?? e.Message}"),
            SslHandshakeException when _refusedCertificate is not null => new SmtpProblem("security",
                $"The certificate of {Where} is not trusted: {_refusedCertificate}. If this is your own relay's self-signed certificate, " +
                "the server's operator can trust exactly it with Email:Smtp:TrustedCertificateThumbprint; nothing was sent."),
            SslHandshakeException => new SmtpProblem("security",
                $"The TLS handshake with {Where} failed: {Innermost(e)}" +
                (_smtp.Security == SmtpSecurity.SslOnConnect ? " Is this a port for implicit TLS (usually 465)? For port 587 choose StartTls." : "")),
            NotSupportedException when !_connected && _smtp.Security == SmtpSecurity.StartTls => new SmtpProblem("security",
                $"{Where} does not offer STARTTLS: choose SslOnConnect for an implicit TLS port (465), or None only for a relay on a trusted network."),
            NotSupportedException when _connected => new SmtpProblem("password", $"{Where} offers no sign-in method the CRM can use: {e.Message}"),
            ServiceNotAuthenticatedException => new SmtpProblem("userName",
                $"{Where} requires signing in (530 {e.Message.Trim()}): set the user name and password" +
                (_client.Capabilities.HasFlag(SmtpCapabilities.Authentication) ? "." : "; it offers no AUTH on this connection, so it may want StartTls or SslOnConnect first.")),
            ArgumentException when !_connected => new SmtpProblem("host", $"{_host} is not a server name or address to connect to: {e.Message}"),
            SocketException socket when socket.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
                new SmtpProblem("host", $"The host {_smtp.Host} was not found: {socket.Message}"),
            SocketException socket => new SmtpProblem("port", $"Could not connect to {Where}: {socket.Message}"),
            TimeoutException or OperationCanceledException when !_connected => new SmtpProblem("port",
                $"{Where} gave no SMTP greeting within {seconds}: is this the SMTP port?" +
                (_smtp.Security == SmtpSecurity.SslOnConnect ? "" : " (A port for implicit TLS, usually 465, needs SslOnConnect.)")),
            TimeoutException or OperationCanceledException => new SmtpProblem("port", $"{Where} did not finish answering within {seconds}."),
            SmtpProtocolException => new SmtpProblem("port", $"The SMTP conversation with {Where} broke off: {e.Message}"),
            ServiceNotConnectedException or IOException => new SmtpProblem("port", $"The connection to {Where} failed: {Innermost(e)}"),
            _ => null,
        };
    }

    /// <summary>The server's refusal with its exact reply ("550 5.1.1 …"), saying what it refused.</summary>
    private SmtpProblem Refusal(SmtpCommandException e)
    {
        var reply = Reply(e)!;
        return e.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => new SmtpProblem("to", $"{Where} refused the recipient {e.Mailbox?.Address}: {reply}"),
            SmtpErrorCode.SenderNotAccepted => new SmtpProblem("from", $"{Where} refused the sender {e.Mailbox?.Address}: {reply}"),
            SmtpErrorCode.MessageNotAccepted => new SmtpProblem("host", $"{Where} refused the message: {reply}"),
            _ when !_connected => new SmtpProblem("host", $"{Where} refused the connection: {reply}"),
            _ => new SmtpProblem("host", $"{Where} answered: {reply}"),
        };
    }

    private static string? Reply(SmtpCommandException? e) => e is null ? null : $"{(int)e.StatusCode} {e.Message}".Trim();

    /// <summary>The innermost message: MailKit's own wrapper says little the administrator can act on.</summary>
    private static string Innermost(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message.Trim();
    }

    /// <summary>
    /// Validation stays on: a certificate the system trusts for this host passes. Otherwise only
    /// a certificate whose SHA-256 thumbprint the operator pinned passes (whatever its issuer,
    /// name or dates: that exact certificate was vouched for). Why others fail is kept for the message.
    /// </summary>
    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null)
        {
            _refusedCertificate = "the server sent no certificate";
            return false;
        }

        var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        if (_trusted.Contains(thumbprint))
        {
            return true;
        }

        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"it is not issued for {_smtp.Host}");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            foreach (var status in chain?.ChainStatus ?? [])
            {
                reasons.Add(status.Status switch
                {
                    X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => "it is self-signed or issued by an authority this machine does not trust",
                    X509ChainStatusFlags.NotTimeValid => "it has expired or is not valid yet",
                    X509ChainStatusFlags.Revoked => "it has been revoked",
                    X509ChainStatusFlags.RevocationStatusUnknown or X509ChainStatusFlags.OfflineRevocation => "its revocation status could not be checked",
                    _ => status.StatusInformation.Trim(),
                });
            }
        }

        _refusedCertificate = $"{string.Join("; ", reasons.Distinct())} (subject {certificate.Subject}, SHA-256 thumbprint {thumbprint})";
        return false;
    }
}

/// <summary>An SMTP conversation failed; <see cref="Problem"/> says where and why.</summary>
public sealed class SmtpConversationException(SmtpProblem problem, Exception inner) : Exception(problem.Message, inner)
{
    public SmtpProblem Problem { get; } = problem;
}
