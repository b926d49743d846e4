using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Ccdsvm.Station.Core.Users;

/// <summary>
/// Passwords on their way into an <c>auth.user</c> task. Task parameters are persisted and shown, so they
/// carry only a reference; the password stays in station memory until the task takes it (or 10 minutes).
/// </summary>
public sealed class PendingPasswords(TimeProvider? time = null)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (string Password, DateTimeOffset Expires)> _held = new(StringComparer.Ordinal);

    public string Hold(string password)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, entry) in _held)
            if (entry.Expires < now) _held.TryRemove(key, out _);
        var reference = "pw_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _held[reference] = (password, now + Lifetime);
        return reference;
    }

    /// <summary>The password once; null when unknown, taken already or expired (e.g. the station restarted).</summary>
    public string? Take(string reference) =>
        _held.TryRemove(reference, out var entry) && entry.Expires >= _time.GetUtcNow() ? entry.Password : null;
}
