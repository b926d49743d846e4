using System.Security.Cryptography;
using System.Text;

namespace Ccdsvm.Station.Core.Users;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 30-second steps, 6 digits, the
/// parameters every authenticator app assumes. Self-contained (the end-to-end tests link this file to
/// compute codes as a phone would).
/// </summary>
public static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;
    public const int SecretBytes = 20;

    /// <summary>The step a moment falls in: whole 30-second periods since the Unix epoch.</summary>
    public static long StepAt(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code for one step (RFC 4226 section 5.3: dynamic truncation of the HMAC).</summary>
    public static string Code(byte[] key, long step, int digits = Digits)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
#pragma warning disable CA5350 // RFC 6238 TOTP is defined over HMAC-SHA1 and every authenticator app computes it; SHA-1's collision weakness does not affect an HMAC
        HMACSHA1.HashData(key, counter, hash);
#pragma warning restore CA5350
        int offset = hash[^1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        int modulo = (int)Math.Pow(10, digits);
        return (binary % modulo).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    public static string Code(string base32Secret, DateTimeOffset at) => Code(Base32.Decode(base32Secret), StepAt(at));

    /// <summary>
    /// The step whose code matches within ±<paramref name="window"/> steps of <paramref name="at"/> (clock
    /// drift of a phone), or null. Compared in constant time.
    /// </summary>
    public static long? MatchStep(byte[] key, string? code, DateTimeOffset at, int window = 1)
    {
        if (code is null) return null;
        code = code.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (code.Length != Digits || !code.All(char.IsAsciiDigit)) return null;
        long now = StepAt(at);
        long? found = null;
        for (long step = now - window; step <= now + window; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(key, step)), Encoding.ASCII.GetBytes(code)))
                found ??= step;
        }
        return found;
    }

    public static string NewSecret() => Base32.Encode(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The key URI authenticator apps read from a QR code (Google Authenticator's format).</summary>
    public static string KeyUri(string issuer, string account, string base32Secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={base32Secret}&issuer={Uri.EscapeDataString(issuer)}";
}

/// <summary>RFC 4648 Base32 (upper case, no padding on output; padding, spaces and case ignored on input).</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) sb.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }

    public static byte[] Decode(string text)
    {
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (char raw in text)
        {
            if (raw is '=' or ' ' or '-') continue;
            int value = Alphabet.IndexOf(char.ToUpperInvariant(raw));
            if (value < 0) throw new FormatException($"'{raw}' is not a Base32 character");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
