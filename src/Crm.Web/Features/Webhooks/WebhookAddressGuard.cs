using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// Keeps webhooks from reaching into the CRM's own network (SSRF). A URL is checked when saved, and
/// every connection is checked again on the address it actually connects to
/// (<see cref="ConnectAsync"/>, the sender's ConnectCallback), so a DNS answer that changes between
/// the two cannot slip a private address through. Hosts named in <c>Webhooks:AllowedHosts</c> are
/// trusted as the operator says.
/// </summary>
public sealed class WebhookAddressGuard(IOptionsMonitor<WebhookOptions> options)
{
    public bool IsAllowedHost(string host) =>
        options.CurrentValue.AllowedHosts.Any(h => string.Equals(h.Trim().Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));

    public bool IsAllowedPort(int port) => options.CurrentValue.AllowedPorts.Contains(port);

    public IReadOnlyList<int> AllowedPorts => options.CurrentValue.AllowedPorts;

    /// <summary>Why a URL may not receive webhooks, or null; resolves its host (a name that does not resolve yet is let through: every send checks again).</summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        if (IsAllowedHost(url.IdnHost))
        {
            return null;
        }

        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return "Use an https:// address; http is only for hosts the operator allows (Webhooks:AllowedHosts).";
        }

        if (!IsAllowedPort(url.Port))
        {
            return $"Port {url.Port} is not allowed for webhooks; allowed: {string.Join(", ", AllowedPorts)}.";
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(url.IdnHost, cancellationToken);
            }
            catch (SocketException)
            {
                return null;
            }
        }

        return addresses.FirstOrDefault(IsForbidden) is { } forbidden
            ? $"{url.IdnHost} is or resolves to {forbidden}, an internal address (loopback, private, link-local, multicast or metadata): webhooks only go to public addresses."
            : null;
    }

    /// <summary>
    /// The sender's ConnectCallback: resolves the host, refuses if any of its addresses is forbidden
    /// (or the port is not allowed), and connects to the address it checked.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var allowed = IsAllowedHost(host);
        if (!allowed && !IsAllowedPort(port))
        {
            throw new WebhookRefusedException($"Port {port} is not allowed for webhooks.");
        }

        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (!allowed && addresses.FirstOrDefault(IsForbidden) is { } forbidden)
        {
            throw new WebhookRefusedException($"{host} resolves to {forbidden}, an internal address; the connection was refused.");
        }

        if (addresses.Length == 0)
        {
            throw new WebhookRefusedException($"{host} does not resolve to any address.");
        }

        var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(addresses[0], port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loopback, private, link-local, CGNAT, multicast, unspecified, broadcast, reserved and
    /// documentation ranges, cloud metadata, and IPv6 forms that carry an IPv4 address (mapped,
    /// compatible, NAT64, 6to4, Teredo) judged by the address they carry.
    /// </summary>
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsForbiddenV4(address.MapToIPv4().GetAddressBytes());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsForbiddenV4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }

        var b = address.GetAddressBytes();
        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || address.IsIPv6UniqueLocal || address.IsIPv6Teredo)
        {
            return true;
        }

        // ::a.b.c.d (IPv4-compatible, deprecated) and anything else in ::/96.
        if (b.Take(12).All(x => x == 0))
        {
            return true;
        }

        // NAT64 64:ff9b::/96 and 64:ff9b:1::/48: the last four bytes are an IPv4 address.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
        {
            return true;
        }

        // 6to4 2002::/16: the next four bytes are an IPv4 address.
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsForbiddenV4(b[2..6]);
        }

        // Documentation 2001:db8::/32, discard 100::/64, ORCHID and benchmarking 2001:2::/48, 2001:10::/28.
        return (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
            || (b[0] == 0x01 && b[1] == 0x00 && b.Skip(2).Take(6).All(x => x == 0))
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && (b[3] == 0x02 || (b[3] & 0xf0) == 0x10));
    }

    private static bool IsForbiddenV4(byte[] b) => b[0] switch
    {
        0 or 10 or 127 => true,
        100 => (b[1] & 0xc0) == 64,
        169 => b[1] == 254,
        172 => (b[1] & 0xf0) == 16,
        192 => (b[1] == 168) || (b[1] == 0 && (b[2] == 0 || b[2] == 2)) || (b[1] == 88 && b[2] == 99),
        198 => (b[1] & 0xfe) == 18 || (b[1] == 51 && b[2] == 100),
        203 => b[1] == 0 && b[2] == 113,
        >= 224 => true,
        _ => false,
    };
}

/// <summary>A connection the address guard refused; its message says why, for the attempt log.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message)
{
    public WebhookRefusedException()
        : this("Refused.")
    {
    }

    public WebhookRefusedException(string message, Exception inner)
        : this(message + " " + inner.Message)
    {
    }
}
