using System.Security.Cryptography;
using System.Text;

namespace Ccdsvm.Station.Core.Units;

/// <summary>
/// Enrolment tokens and unit credentials: 256 random bits, shown once, stored as SHA-256. A fast hash is
/// enough here because the secrets are random, not chosen by people (nothing to guess from a dictionary).
/// </summary>
public static class UnitSecrets
{
    /// <summary>
    /// 256 random bits in base64url, never beginning with a dash, so that a token pasted after a command
    /// (install.sh URL TOKEN FINGERPRINT, --enrol TOKEN) is never read as an option.
    /// </summary>
    public static string New()
    {
        while (true)
        {
            string secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            if (secret[0] != '-') return secret;
        }
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string presented, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(storedHash));

    /// <summary>Unit names as the hub and the enrolment accept them: lower-case letters, digits and dashes, at most 63.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrEmpty(name) ? "the unit name is empty"
        : name.Length > 63 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? $"unit name '{(name.Length > 63 ? name[..63] + "…" : name)}' must be 1-63 lower-case letters, digits and dashes"
            : null;
}
