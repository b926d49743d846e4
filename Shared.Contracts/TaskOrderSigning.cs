using System.Security.Cryptography;
using System.Text;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// HMAC-SHA256 over an order's fields with the shared agent key, so an agent refuses an order the
/// station did not sign. The security issue replaces this with ECDSA tickets and pinned keys.
/// </summary>
public static class TaskOrderSigning
{
    public static string Sign(TaskOrder order, string key) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Canonical(order)));

    public static bool Verify(TaskOrder order, string key)
    {
        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Canonical(order));
        byte[] given;
        try { given = Convert.FromHexString(order.Signature); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static byte[] Canonical(TaskOrder o) => Encoding.UTF8.GetBytes(
        string.Join('\n', o.TaskId, o.Kind, o.Owner, o.IssuedAt.ToUnixTimeMilliseconds(), o.ParametersJson));
}
