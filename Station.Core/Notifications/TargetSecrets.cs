using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// Targets' secrets (a webhook's signing secret, an SMTP password) at rest: encrypted with the station's data-protection
/// keys, as TOTP secrets are (<see cref="Users.TotpSecrets"/>), under a purpose of their own.
/// </summary>
internal sealed class TargetSecrets(IDataProtectionProvider provider)
{
    private const string Purpose = "Ccdsvm.Station.Core.Notifications.TargetSecret.v1";

    public string Protect(string secret) => Convert.ToBase64String(provider.CreateProtector(Purpose).Protect(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The secret, or null when it cannot be decrypted (the keys directory was lost or replaced).</summary>
    public string? Unprotect(string stored)
    {
        try
        {
            return Encoding.UTF8.GetString(provider.CreateProtector(Purpose).Unprotect(Convert.FromBase64String(stored)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
