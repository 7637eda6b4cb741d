using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crm.Tests.TwoFactor;

/// <summary>
/// A passkey authenticator in software, written from the WebAuthn spec for the tests (no code shared
/// with the app): an ES256 key, "none" attestation, and assertions signed over the authenticator
/// data and the client data's hash, with a use counter the test can hold back to play a clone.
/// </summary>
public sealed class SoftwarePasskey : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private string? _userHandle;

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);

    /// <summary>The counter the next assertion reports (after adding one to it unless the test says otherwise).</summary>
    public uint Counter { get; set; }

    public string Origin { get; set; } = "http://localhost";

    /// <summary>Answers creation options (JSON as the server sent them) with a new credential, as the browser would post it.</summary>
    public string Register(string optionsJson)
    {
        var options = JsonNode.Parse(optionsJson)!;
        _userHandle = options["user"]!["id"]!.GetValue<string>();
        var clientData = ClientData("webauthn.create", options["challenge"]!.GetValue<string>());
        var parameters = _key.ExportParameters(false);
        var publicKey = Cbor.Map(
            (Cbor.Int(1), Cbor.Int(2)), (Cbor.Int(3), Cbor.Int(-7)), (Cbor.Int(-1), Cbor.Int(1)),
            (Cbor.Int(-2), Cbor.Bytes(parameters.Q.X!)), (Cbor.Int(-3), Cbor.Bytes(parameters.Q.Y!)));
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)CredentialId.Length);
        // Flags: user present (0x01), user verified (0x04), attested credential data (0x40).
        byte[] authenticatorData = [.. RpIdHash(options["rp"]!["id"]!.GetValue<string>()), 0x45, .. CounterBytes(Counter), .. new byte[16], .. length, .. CredentialId, .. publicKey];
        var attestation = Cbor.Map(
            (Cbor.Text("fmt"), Cbor.Text("none")), (Cbor.Text("attStmt"), Cbor.Map()), (Cbor.Text("authData"), Cbor.Bytes(authenticatorData)));
        return JsonSerializer.Serialize(new
        {
            id = B64(CredentialId),
            rawId = B64(CredentialId),
            type = "public-key",
            response = new { clientDataJSON = B64(clientData), attestationObject = B64(attestation), transports = new[] { "internal" } },
            clientExtensionResults = new { },
        });
    }

    /// <summary>Answers request options with an assertion; the counter grows by <paramref name="step"/> first (0: a clone's stale counter).</summary>
    public string Assert(string optionsJson, uint step = 1)
    {
        var options = JsonNode.Parse(optionsJson)!;
        Counter += step;
        var clientData = ClientData("webauthn.get", options["challenge"]!.GetValue<string>());
        // Flags: user present and verified.
        byte[] authenticatorData = [.. RpIdHash(options["rpId"]!.GetValue<string>()), 0x05, .. CounterBytes(Counter)];
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return JsonSerializer.Serialize(new
        {
            id = B64(CredentialId),
            rawId = B64(CredentialId),
            type = "public-key",
            response = new { clientDataJSON = B64(clientData), authenticatorData = B64(authenticatorData), signature = B64(signature), userHandle = _userHandle },
            clientExtensionResults = new { },
        });
    }

    public void Dispose() => _key.Dispose();

    private byte[] ClientData(string type, string challenge) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type, challenge, origin = Origin, crossOrigin = false }));

    private static byte[] RpIdHash(string rpId) => SHA256.HashData(Encoding.UTF8.GetBytes(rpId));

    private static byte[] CounterBytes(uint counter)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, counter);
        return bytes;
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Just enough CBOR (RFC 8949) for a COSE key and an attestation object.</summary>
    private static class Cbor
    {
        public static byte[] Int(long value) => value >= 0 ? Head(0, (ulong)value) : Head(1, (ulong)(-1 - value));
        public static byte[] Bytes(byte[] value) => [.. Head(2, (ulong)value.Length), .. value];
        public static byte[] Text(string value) => Encoding.UTF8.GetBytes(value) is var b ? [.. Head(3, (ulong)b.Length), .. b] : [];
        public static byte[] Map(params (byte[] Key, byte[] Value)[] entries) =>
            [.. Head(5, (ulong)entries.Length), .. entries.SelectMany(e => e.Key.Concat(e.Value))];

        private static byte[] Head(int major, ulong value)
        {
            var type = (byte)(major << 5);
            return value switch
            {
                < 24 => [(byte)(type | (byte)value)],
                <= byte.MaxValue => [(byte)(type | 24), (byte)value],
                <= ushort.MaxValue => [(byte)(type | 25), (byte)(value >> 8), (byte)value],
                _ => throw new ArgumentOutOfRangeException(nameof(value)),
            };
        }
    }
}
