using System.Security.Cryptography;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Users;

/// <summary>A console sign-in as its owner sees it: where from, since when, last seen; <paramref name="Current"/> is the one asking.</summary>
public sealed record SessionView(string Id, string Device, string? Address, DateTimeOffset StartedAt, DateTimeOffset LastSeenAt, bool Current);

/// <summary>Whether a session or token still stands: its owner, or why not (words a person can act on).</summary>
public sealed record CredentialCheck(Caller? Caller, string? Refusal)
{
    public static CredentialCheck Refused(string why) => new(null, why);
}

/// <summary>
/// Console sessions kept by the station: the cookie carries only the session's id, and every request and every
/// open console checks the row. A session ends when its owner signs out or revokes it, when the password
/// changes (except the session that changed it), when an administrator sets the password, when the account
/// is deleted, disabled or locked, and after <see cref="SessionIdleLifetime"/> without use.
/// </summary>
public sealed partial class UserService
{
    public const string SessionAction = "auth.session";
    /// <summary>A console session unused this long is over (the cookie slides with it).</summary>
    public static readonly TimeSpan SessionIdleLifetime = TimeSpan.FromHours(8);
    private const int DeviceMaxLength = 200;

    /// <summary>Opens a console session after a successful <see cref="Login"/>; returns its id, for the cookie.</summary>
    public string StartSession(Caller caller, string? device, string? address)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = _time.GetUtcNow();
        device = new string((device ?? "").Where(ch => !char.IsControl(ch)).Take(DeviceMaxLength).ToArray());
        using var c = db.Open();
        using var writing = db.Writing();
        c.Execute("DELETE FROM sessions WHERE expires_at <= @now", new { now = StoreTime.Format(now) });
        c.Execute("INSERT INTO sessions(id, username, device, address, started_at, last_seen_at, expires_at) VALUES (@id, @name, @device, @address, @now, @now, @expires)",
            new { id, name = caller.Name, device, address, now = StoreTime.Format(now), expires = StoreTime.Format(now + SessionIdleLifetime) });
        return id;
    }

    /// <summary>The session's owner while it stands; marks it seen (at most once a minute, which also slides its end).</summary>
    public CredentialCheck ValidateSession(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64) return CredentialCheck.Refused("no session");
        var now = _time.GetUtcNow();
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string Name, string LastSeen, long Disabled)?>("""
            SELECT s.username, s.last_seen_at, u.disabled FROM sessions s JOIN users u ON u.name = s.username
            WHERE s.id=@id AND s.expires_at > @now
            """, new { id, now = StoreTime.Format(now) });
        if (row is not { } r) return CredentialCheck.Refused("the session has ended: sign in again");
        if (AccountRefusal(c, r.Name, r.Disabled == 1, now) is { } refusal) return CredentialCheck.Refused(refusal);
        if (StoreTime.Parse(r.LastSeen) < now - LastUsedResolution)
            using (db.Writing()) c.Execute("UPDATE sessions SET last_seen_at=@now, expires_at=@expires WHERE id=@id",
                new { id, now = StoreTime.Format(now), expires = StoreTime.Format(now + SessionIdleLifetime) });
        return new CredentialCheck(access.Resolve(r.Name), null);
    }

    /// <summary>Signing out: the session ends here, whatever the browser keeps.</summary>
    public void EndSession(string? id)
    {
        if (string.IsNullOrEmpty(id)) return;
        using var c = db.Open();
        using (db.Writing()) c.Execute("DELETE FROM sessions WHERE id=@id", new { id });
    }

    /// <summary>The caller's console sessions that still stand, newest first.</summary>
    public IReadOnlyList<SessionView> ListSessions(Caller caller, string? currentId)
    {
        using var c = db.Open();
        return c.Query<(string Id, string Device, string? Address, string StartedAt, string LastSeen)>("""
                SELECT id, device, address, started_at, last_seen_at FROM sessions
                WHERE username=@user AND expires_at > @now ORDER BY started_at DESC, id
                """, new { user = caller.Name, now = StoreTime.Format(_time.GetUtcNow()) })
            .Select(r => new SessionView(r.Id, r.Device, r.Address, StoreTime.Parse(r.StartedAt), StoreTime.Parse(r.LastSeen), r.Id == currentId))
            .ToList();
    }

    /// <summary>Ends one of the caller's console sessions; its browser is sent to the sign-in page at its next request or check.</summary>
    public Outcome<bool> RevokeSession(Caller caller, string? id, string? address = null)
    {
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        var device = id is null or { Length: > 64 } ? null
            : c.QuerySingleOrDefault<string?>("SELECT device FROM sessions WHERE id=@id AND username=@user", new { id, user = caller.Name }, tx);
        if (device is null) return StationError.NotFound($"you have no session '{id}'");
        c.Execute("DELETE FROM sessions WHERE id=@id", new { id }, tx);
        var entry = Audit.Write(c, tx, caller.Name, SessionAction + ".revoke", caller.Name, AuditOutcomes.Succeeded, $"session {id![..8]}… ({device})", address);
        tx.Commit();
        Audit.Publish(entry);
        return true;
    }

    /// <summary>Why an account's sessions and tokens do not count now (disabled, locked), or null.</summary>
    private static string? AccountRefusal(SqliteConnection c, string username, bool disabled, DateTimeOffset now)
    {
        if (disabled) return LoginPolicy.Disabled(username);
        // Cheap first: a lock needs that many recent failures, and most requests come from accounts with none.
        long recent = c.ExecuteScalar<long>("SELECT COUNT(*) FROM login_failures WHERE username=@username AND at >= @since",
            new { username, since = StoreTime.Format(now - LoginPolicy.AccountWindow - LoginPolicy.LockDuration) });
        if (recent < LoginPolicy.MaxAccountFailures) return null;
        return LockedUntil(c, null, username, now) is { } until ? LoginPolicy.Locked(username, until) + "; its sessions and tokens are refused until then" : null;
    }

    /// <summary>Ends every console session of a user (a lock, a disabled account), inside the caller's transaction.</summary>
    private static int EndConsoleSessions(SqliteConnection c, SqliteTransaction? tx, string username) =>
        c.Execute("DELETE FROM sessions WHERE username=@username", new { username }, tx);
}
