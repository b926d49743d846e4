using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Users;

/// <summary>
/// Changing one's own password, and an administrator setting someone else's. A password that someone
/// other than its user chose (generated, or set by an administrator with the flag) must be changed at
/// the next sign-in before anything else.
/// </summary>
public sealed partial class UserService
{
    public const string PasswordAction = "auth.password";

    /// <param name="currentToken">The bearer token of the request making the change: that session stays, every other one ends.</param>
    /// <param name="currentSession">The console session making the change: it stays, every other one ends.</param>
    public Outcome<bool> ChangePassword(Caller caller, string? currentPassword, string? newPassword, string? address = null, string? currentToken = null, string? currentSession = null)
    {
        if (string.IsNullOrEmpty(currentPassword)) return StationError.BadRequest("'currentPassword' is required");
        if (PasswordProblem(newPassword) is { } problem) return StationError.BadRequest(problem.Replace("'password'", "'newPassword'", StringComparison.Ordinal));
        using var c = db.Open();
        if (!CheckPassword(c, caller.Name, currentPassword))
        {
            Audit.Write(caller.Name, PasswordAction, caller.Name, AuditOutcomes.Failed, "the current password was wrong", address);
            return StationError.BadRequest("the current password is wrong");
        }
        if (newPassword == currentPassword) return StationError.BadRequest("the new password must differ from the current one");
        var hash = _hasher.HashPassword(caller.Name, newPassword!);
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        c.Execute("UPDATE users SET password_hash=@hash, must_change_password=0 WHERE name=@name",
            new { hash, name = caller.Name }, tx);
        RevokeSessions(c, tx, caller.Name, currentToken is null ? null : Sha256Hex(currentToken), currentSession);
        var entry = Audit.Write(c, tx, caller.Name, PasswordAction, caller.Name, AuditOutcomes.Succeeded, "changed by the user", address);
        tx.Commit();
        Audit.Publish(entry);
        return true;
    }

    /// <summary>
    /// A new password ends the sign-in sessions the old one opened: console sessions and bearer tokens from
    /// POST /api/v1/auth/token, but the one making the change (<paramref name="keepHash"/>, <paramref name="keepSession"/>);
    /// named API tokens stay, since the user created them on purpose and revokes them one by one.
    /// </summary>
    public static int RevokeSessions(SqliteConnection c, SqliteTransaction tx, string username, string? keepHash = null, string? keepSession = null) =>
        c.Execute("DELETE FROM api_tokens WHERE username=@username AND name IS NULL AND (@keep IS NULL OR token_hash <> @keep)", new { username, keep = keepHash }, tx)
        + c.Execute("DELETE FROM sessions WHERE username=@username AND (@keep IS NULL OR id <> @keep)", new { username, keep = keepSession }, tx);

    /// <summary>
    /// An administrator sets a user's password. Without <paramref name="password"/> one is generated and
    /// returned (shown once); a generated password always has to be changed at the next sign-in.
    /// </summary>
    public Outcome<string> SetPassword(Caller caller, string? username, string? password, bool mustChange, string? address = null)
    {
        if (!caller.IsAdmin)
        {
            Audit.Write(caller.Name, PasswordAction, username ?? "", AuditOutcomes.Refused, "not an administrator", address);
            return StationError.Forbidden("only administrators may set another user's password");
        }
        bool generated = password is null;
        password ??= Generate();
        if (PasswordProblem(password) is { } problem) return StationError.BadRequest(problem);
        var hash = _hasher.HashPassword(username!, password);
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        if (c.Execute("UPDATE users SET password_hash=@hash, must_change_password=@mustChange WHERE name=@username",
                new { hash, mustChange = mustChange || generated ? 1 : 0, username }, tx) == 0)
            return StationError.NotFound($"there is no user '{username}'");
        RevokeSessions(c, tx, username!);
        // A new password also lifts a lock: the administrator has just vouched for who holds the account.
        c.Execute("DELETE FROM login_failures WHERE username=@username", new { username }, tx);
        var entry = Audit.Write(c, tx, caller.Name, PasswordAction, username!, AuditOutcomes.Succeeded,
            (generated ? "generated" : "set") + " by an administrator" + (mustChange || generated ? "; must be changed at the next sign-in" : ""), address);
        tx.Commit();
        Audit.Publish(entry);
        return password;
    }
}
