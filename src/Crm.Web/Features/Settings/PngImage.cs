using System.Buffers.Binary;

namespace Crm.Web.Features.Settings;

/// <summary>
/// Reads what the settings need from a PNG's header: the 8-byte signature, then the IHDR chunk,
/// which the format requires to come first, with the width and height. Nothing else is decoded.
/// </summary>
public static class PngImage
{
    public const int MaxBytes = 1024 * 1024;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The image's size, or null when the bytes are not a PNG.</summary>
    public static (int Width, int Height)? ReadSize(ReadOnlySpan<byte> bytes)
    {
        // Signature (8), IHDR length (4) = 13, type (4) = "IHDR", width (4), height (4).
        if (bytes.Length < 24 || !bytes[..8].SequenceEqual(Signature)
            || BinaryPrimitives.ReadUInt32BigEndian(bytes[8..12]) != 13 || !bytes[12..16].SequenceEqual("IHDR"u8))
        {
            return null;
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..20]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(bytes[20..24]);
        return width is 0 or > int.MaxValue || height is 0 or > int.MaxValue ? null : ((int)width, (int)height);
    }
}
