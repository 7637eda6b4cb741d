using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Crm.Tests.Infrastructure;

/// <summary>A message as it arrived at the test SMTP server; <c>Login</c> is who signed in (AUTH) on its connection, null without AUTH.</summary>
public sealed record ReceivedEmail(string MailFrom, IReadOnlyList<string> RcptTos, string From, string To, string Subject, string Text,
    string? Html = null, string? ContentType = null, string? Login = null);

/// <summary>How the test server secures its connections.</summary>
public enum SmtpServerTls
{
    /// <summary>Plain SMTP.</summary>
    None,

    /// <summary>Plain greeting, STARTTLS offered and required before MAIL (a submission port, 587-style).</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, 465-style).</summary>
    Implicit,
}

/// <summary>
/// A real SMTP server on loopback: Debian's aiosmtpd run by Debian's python3, with a handler
/// (crm_test_mailbox.py) that writes each accepted message to a folder the test reads. It can be
/// stopped and started again on the same port, to play an outage. With a <see cref="TestCertificate"/>
/// it speaks STARTTLS or implicit TLS; with a login and password it offers AUTH (after STARTTLS).
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string _folder = Directory.CreateTempSubdirectory("crm-mailbox-").FullName;
    private readonly SmtpServerTls _tls;
    private readonly TestCertificate? _certificate;
    private readonly (string Login, string Password)? _credentials;
    private Process? _process;

    private SmtpServer(int port, SmtpServerTls tls, TestCertificate? certificate, (string Login, string Password)? credentials)
    {
        if (tls != SmtpServerTls.None && certificate is null)
        {
            throw new ArgumentException("A TLS server needs a certificate.", nameof(certificate));
        }

        (Port, _tls, _certificate, _credentials) = (port, tls, certificate, credentials);
    }

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<SmtpServer> StartAsync(SmtpServerTls tls = SmtpServerTls.None, TestCertificate? certificate = null,
        (string Login, string Password)? credentials = null)
    {
        var server = new SmtpServer(FreePort(), tls, certificate, credentials);
        await server.RestartAsync();
        return server;
    }

    /// <summary>A loopback port nothing listens on (for "the server is down").</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_tls != SmtpServerTls.None)
        {
            var (certificateOption, keyOption) = _tls == SmtpServerTls.StartTls ? ("--tlscert", "--tlskey") : ("--smtpscert", "--smtpskey");
            foreach (var argument in new[] { certificateOption, _certificate!.CertificatePath, keyOption, _certificate.KeyPath })
            {
                start.ArgumentList.Add(argument);
            }
        }

        // The handler's arguments come last: the folder, then the login and password it accepts.
        foreach (var argument in new[] { "-c", "crm_test_mailbox.Mailbox", _folder })
        {
            start.ArgumentList.Add(argument);
        }

        if (_credentials is var (login, password))
        {
            start.ArgumentList.Add(login);
            start.ArgumentList.Add(password);
        }

        start.Environment["PYTHONPATH"] = AppContext.BaseDirectory;
        _process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        _process.OutputDataReceived += (_, _) => { };
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && errors.Count < 50)
            {
                errors.Enqueue(line);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"aiosmtpd exited with {_process.ExitCode}: is python3-aiosmtpd installed (./test.sh installs it)? {string.Join(" | ", errors)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"aiosmtpd did not listen on 127.0.0.1:{Port} within 20 s");
    }

    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<ReceivedEmail> Received =>
        [.. Directory.GetFiles(_folder, "*.json").Select(f => JsonSerializer.Deserialize<ReceivedEmail>(File.ReadAllText(f), s_json)!)];

    /// <summary>Waits until <paramref name="count"/> messages matching <paramref name="match"/> have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedEmail>> WaitForAsync(Func<ReceivedEmail, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var found = Received.Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"{found.Count} of {count} expected messages arrived; all received: {Received.Count}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
