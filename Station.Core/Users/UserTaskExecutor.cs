using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Users;

/// <summary>Runs <c>auth.user</c>: creates, changes and deletes users and groups; every change is audited.</summary>
public sealed class UserTaskExecutor(StationDb db, AccessControl access, PendingPasswords passwords, PasswordHashing? hashing = null) : IStationExecutor
{
    private readonly PasswordHasher<string> _hasher = new();

    public string Kind => TaskKinds.AuthUser;

    public async Task<Outcome<string?>> RunAsync(StationTask task, CancellationToken cancellationToken)
    {
        var p = AuthUser.Contract.ReadValidated(task.Parameters);
        string action = ActionWords.Of(p.Action);
        string target = p.Username ?? "@" + p.Group;
        using var c = db.Open();
        if (p.Action == AuthUserAction.Create && Exists(c, null, "users", p.Username!)) return Fail(task, action, target, StationError.Conflict($"user '{p.Username}' already exists"));
        // The slow hash before the write transaction: the store's write lock is never held while PBKDF2 runs.
        string? hash = null;
        if (p.Action is AuthUserAction.Create or AuthUserAction.SetPassword)
        {
            var password = passwords.Take(p.PasswordRef!);
            if (password is null)
                return Fail(task, action, target, StationError.BadRequest(p.Action == AuthUserAction.Create
                    ? "the password was held in station memory only and is gone (the station restarted or 10 minutes passed); submit the user again"
                    : "the password was held in station memory only and is gone; set it again"));
            hash = hashing is null ? _hasher.HashPassword(p.Username!, password) : await hashing.HashAsync(p.Username!, password).ConfigureAwait(false);
        }
        var now = access.Now;
        StationError? failure;
        AuthUserResult? result;
        using (db.Writing())
        {
            using var tx = c.BeginTransaction();
            failure = Apply(c, tx, task.Owner.Name, p, hash, now, out result);
            if (failure is null)
            {
                access.Audit.Write(c, tx, task.Owner.Name, "user." + action, target, AuditOutcomes.Succeeded,
                    p.Action == AuthUserAction.SetDisabled ? $"task {task.Id}: {(p.Disabled == true ? "locked" : "unlocked")}" : $"task {task.Id}");
                tx.Commit();
            }
        }
        // A refused change is rolled back first, then audited on its own: never a second writer inside an open transaction.
        if (failure is not null) return Fail(task, action, target, failure);
        access.Reload($"{action} {p.Username ?? p.Group}");
        return AuthUser.Contract.WriteResult(result!);
    }

    /// <summary>The change inside the open transaction; returns why it cannot be made, or null with its result.</summary>
    private StationError? Apply(SqliteConnection c, SqliteTransaction tx, string owner, AuthUserParameters p, string? hash, DateTimeOffset now, out AuthUserResult? result)
    {
        string? username = p.Username, group = p.Group;
        result = null;
        switch (p.Action)
        {
            case AuthUserAction.Create:
            {
                if (Exists(c, tx, "users", username!)) return StationError.Conflict($"user '{username}' already exists");
                var groups = p.DistinctGroups();
                if (groups.FirstOrDefault(g => !Exists(c, tx, "groups", g)) is { } missing) return NoGroup(missing);
                bool admin = p.Admin == true;
                c.Execute("INSERT INTO users(name, password_hash, is_admin, created_at, must_change_password, quota_mib) VALUES (@username, @hash, @admin, @now, @must, @quota)",
                    new { username, hash, admin = admin ? 1 : 0, now = StoreTime.Format(now), must = p.MustChangePassword == true ? 1 : 0, quota = p.Quota() }, tx);
                SetGroups(c, tx, username!, groups);
                if (admin) AccessControl.Grant(c, tx, "/", username!, Roles.Administrator.Name, owner, now);
                result = new AuthUserResult(p.Action, username, Groups: groups, Admin: admin, QuotaMiB: p.Quota());
                return null;
            }
            case AuthUserAction.Delete:
                if (username == owner) return StationError.BadRequest("you cannot delete your own account");
                if (c.Execute("DELETE FROM users WHERE name=@username", new { username }, tx) == 0) return NoUser(username);
                c.Execute("DELETE FROM acl WHERE subject=@username", new { username }, tx);
                result = new AuthUserResult(p.Action, username, Deleted: true);
                return null;
            case AuthUserAction.SetPassword:
                if (c.Execute("UPDATE users SET password_hash=@hash, must_change_password=@must WHERE name=@username",
                        new { username, hash, must = p.MustChangePassword == true ? 1 : 0 }, tx) == 0)
                    return NoUser(username);
                UserService.RevokeSessions(c, tx, username!);
                // As UserService.SetPassword: the administrator vouches for the account, so its lock is lifted.
                c.Execute("DELETE FROM login_failures WHERE username=@username", new { username }, tx);
                result = new AuthUserResult(p.Action, username, PasswordChanged: true);
                return null;
            case AuthUserAction.SetGroups:
            {
                if (!Exists(c, tx, "users", username!)) return NoUser(username);
                var groups = p.DistinctGroups();
                if (groups.FirstOrDefault(g => !Exists(c, tx, "groups", g)) is { } missing) return NoGroup(missing);
                SetGroups(c, tx, username!, groups);
                result = new AuthUserResult(p.Action, username, Groups: groups);
                return null;
            }
            case AuthUserAction.SetQuota:
                if (c.Execute("UPDATE users SET quota_mib=@quota WHERE name=@username", new { username, quota = p.Quota() }, tx) == 0)
                    return NoUser(username);
                result = new AuthUserResult(p.Action, username, QuotaMiB: p.Quota());
                return null;
            case AuthUserAction.SetDisabled:
                return SetDisabled(c, tx, owner, username!, p.Disabled == true, out result);
            case AuthUserAction.CreateGroup:
                if (Exists(c, tx, "groups", group!)) return StationError.Conflict($"group '{group}' already exists");
                c.Execute("INSERT INTO groups(name, created_at) VALUES (@group, @now)", new { group, now = StoreTime.Format(now) }, tx);
                result = new AuthUserResult(p.Action, Group: group);
                return null;
            case AuthUserAction.DeleteGroup:
                if (c.Execute("DELETE FROM groups WHERE name=@group", new { group }, tx) == 0) return StationError.NotFound($"there is no group '{group}'");
                c.Execute("DELETE FROM acl WHERE subject=@subject", new { subject = "@" + group }, tx);
                result = new AuthUserResult(p.Action, Group: group, Deleted: true);
                return null;
            default:
                return StationError.BadRequest($"unknown action '{p.Action}'");
        }
    }

    /// <summary>
    /// Locks or unlocks an account. Nobody locks their own account, nor the last unlocked administrator; a lock ends the
    /// account's console sessions and sign-in tokens, and its named tokens are refused while it lasts (the token check
    /// reads <c>users.disabled</c> on every request).
    /// </summary>
    private StationError? SetDisabled(SqliteConnection c, SqliteTransaction tx, string owner, string username, bool disabled, out AuthUserResult? result)
    {
        result = null;
        if (disabled && username == owner) return StationError.BadRequest("you cannot lock your own account: another administrator has to");
        if (!Exists(c, tx, "users", username)) return NoUser(username);
        if (disabled && access.Resolve(username).IsAdmin)
        {
            var unlocked = c.Query<string>("SELECT name FROM users WHERE disabled=0 AND name<>@username", new { username }, tx);
            if (!unlocked.Any(name => access.Resolve(name).IsAdmin))
                return StationError.Conflict($"'{username}' is the last unlocked administrator: make or unlock another administrator first");
        }
        c.Execute("UPDATE users SET disabled=@flag WHERE name=@username", new { username, flag = disabled ? 1 : 0 }, tx);
        if (disabled) UserService.RevokeSessions(c, tx, username);
        result = new AuthUserResult(AuthUserAction.SetDisabled, username, Disabled: disabled);
        return null;
    }

    private Outcome<string?> Fail(StationTask task, string action, string target, StationError error)
    {
        access.Audit.Write(task.Owner.Name, "user." + action, target, AuditOutcomes.Failed, error.Message);
        return error;
    }

    private static StationError NoUser(string? username) => StationError.NotFound($"there is no user '{username}'");

    private static StationError NoGroup(string group) => StationError.NotFound($"there is no group '{group}'; create it first");

    private static void SetGroups(SqliteConnection c, SqliteTransaction tx, string username, IReadOnlyList<string> groups)
    {
        c.Execute("DELETE FROM group_members WHERE username=@username", new { username }, tx);
        foreach (var g in groups) c.Execute("INSERT INTO group_members(group_name, username) VALUES (@g, @username)", new { g, username }, tx);
    }

    private static bool Exists(SqliteConnection c, SqliteTransaction? tx, string table, string name) =>
        c.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table} WHERE name=@name", new { name }, tx) > 0;
}
