using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Crm.Web.Features.Email;

namespace Crm.Web.Features.Settings;

/// <summary>Where a probe failed: the form field to blame and the exact reason.</summary>
public sealed record SmtpProbeFailure(string Field, string Message);

/// <summary>
/// Tries SMTP settings before they are saved: connects, reads the greeting, says EHLO, upgrades
/// with STARTTLS when asked, says NOOP and QUIT, all within a short timeout. It never sends the
/// password (System.Net.Mail offers no "log in only"), so a wrong password shows on the test email.
/// </summary>
public static class SmtpProbe
{
    public static async Task<SmtpProbeFailure?> TryAsync(string host, int port, SmtpSecurity security, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var where = $"{host}:{port}";
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host, port, limit.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
        {
            return new SmtpProbeFailure("host", $"The host {host} was not found: {e.Message}");
        }
        catch (SocketException e)
        {
            return new SmtpProbeFailure("port", $"Could not connect to {where}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SmtpProbeFailure("port", $"Could not connect to {where}: no answer within {timeout.TotalSeconds:0} seconds.");
        }

        Stream stream = tcp.GetStream();
        try
        {
            var greeting = await ReadReplyAsync(stream, limit.Token);
            if (!greeting.StartsWith("220", StringComparison.Ordinal))
            {
                return new SmtpProbeFailure("port", $"{where} did not greet like an SMTP server: {greeting}");
            }

            var ehlo = await CommandAsync(stream, "EHLO crm", limit.Token);
            if (!ehlo.StartsWith("250", StringComparison.Ordinal))
            {
                return new SmtpProbeFailure("host", $"{where} refused EHLO: {ehlo}");
            }

            if (security == SmtpSecurity.StartTls)
            {
                if (!ehlo.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase))
                {
                    return new SmtpProbeFailure("security", $"{where} does not offer STARTTLS: choose None only for a relay on a trusted network, or another port.");
                }

                var ready = await CommandAsync(stream, "STARTTLS", limit.Token);
                if (!ready.StartsWith("220", StringComparison.Ordinal))
                {
                    return new SmtpProbeFailure("security", $"{where} refused STARTTLS: {ready}");
                }

                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                try
                {
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, limit.Token);
                }
                catch (AuthenticationException e)
                {
                    return new SmtpProbeFailure("security", $"The TLS handshake with {where} failed: {SmtpSender.Describe(e)}");
                }

                await CommandAsync(stream, "EHLO crm", limit.Token);
            }

            var noop = await CommandAsync(stream, "NOOP", limit.Token);
            if (!noop.StartsWith("250", StringComparison.Ordinal))
            {
                return new SmtpProbeFailure("host", $"{where} answered NOOP with: {noop}");
            }

            await WriteAsync(stream, "QUIT", limit.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SmtpProbeFailure("port", $"{where} accepted the connection but gave no SMTP answer within {timeout.TotalSeconds:0} seconds: is this the SMTP port?");
        }
        catch (IOException e)
        {
            return new SmtpProbeFailure("port", $"The connection to {where} failed: {SmtpSender.Describe(e)}");
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private static async Task<string> CommandAsync(Stream stream, string command, CancellationToken cancellationToken)
    {
        await WriteAsync(stream, command, cancellationToken);
        return await ReadReplyAsync(stream, cancellationToken);
    }

    private static async Task WriteAsync(Stream stream, string command, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>One reply, all its lines ("250-…" continues, "250 …" ends), joined by spaces; bounded.</summary>
    private static async Task<string> ReadReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var one = new byte[1];
        while (lines.Count < 100)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            if (one[0] == '\n')
            {
                var text = line.ToString().TrimEnd('\r');
                lines.Add(text);
                line.Clear();
                if (text.Length < 4 || text[3] != '-')
                {
                    break;
                }
            }
            else if (line.Length < 1000)
            {
                line.Append((char)one[0]);
            }
        }

        return string.Join(" ", lines);
    }
}
