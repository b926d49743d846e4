using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Ccdsvm.Station.Core.Users;

/// <summary>
/// TOTP secrets at rest: encrypted with the station's data-protection keys (<c>{DataDirectory}/keys</c>) under a
/// purpose that names the user, so a value copied to another account's row does not decrypt. Stored as
/// <c>dp1:</c> followed by base64url; a Base32 secret never starts so, which tells a value left in plain text
/// by an older station (<see cref="IsProtected"/>).
/// </summary>
public sealed class TotpSecrets(IDataProtectionProvider provider)
{
    /// <summary>The application name every station uses for its data-protection keys: protected values stay readable wherever the station is installed.</summary>
    public const string ApplicationName = "ccdsvm-station";
    private const string Prefix = "dp1:";
    private const string Purpose = "Ccdsvm.Station.Core.Users.TotpSecret.v1";

    public static bool IsProtected(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    public string Protect(string username, string secret) =>
        Prefix + Base64Url(provider.CreateProtector(Purpose, username).Protect(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The Base32 secret, or null when it cannot be decrypted (the keys directory was lost or replaced).</summary>
    public string? Unprotect(string username, string stored)
    {
        if (!IsProtected(stored)) return stored;
        try
        {
            var bytes = Convert.FromBase64String(FromBase64Url(stored[Prefix.Length..]));
            return Encoding.UTF8.GetString(provider.CreateProtector(Purpose, username).Unprotect(bytes));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string text)
    {
        var b = text.Replace('-', '+').Replace('_', '/');
        return b.PadRight(b.Length + (4 - b.Length % 4) % 4, '=');
    }
}
