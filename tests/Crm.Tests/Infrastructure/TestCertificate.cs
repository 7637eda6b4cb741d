using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost, made for one test and written as
/// PEM files (certificate, PKCS#8 key) that aiosmtpd loads for STARTTLS or implicit TLS. No
/// authority vouches for it, so only its pinned SHA-256 thumbprint can make the CRM trust it.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("crm-certificate-").FullName;

    private TestCertificate(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        CertificatePath = Path.Combine(_folder, "relay.crt");
        KeyPath = Path.Combine(_folder, "relay.key");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        Sha256Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    public static TestCertificate Create(string subject = "CN=relay.crm.test") => new(subject);

    public string CertificatePath { get; }
    public string KeyPath { get; }

    /// <summary>Upper-case hex, no separators, as .NET prints it.</summary>
    public string Sha256Thumbprint { get; }

    /// <summary>The thumbprint as openssl prints it (<c>ab:cd:…</c>, here in lower case), which the setting accepts too.</summary>
    public string Sha256ThumbprintWithColons =>
        string.Join(':', Enumerable.Range(0, Sha256Thumbprint.Length / 2).Select(i => Sha256Thumbprint.Substring(i * 2, 2))).ToLowerInvariant();

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
