using System.Text.Json;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Users;

/// <summary>Runs <c>auth.user</c>: creates, changes and deletes users and groups; every change is audited.</summary>
public sealed class UserTaskExecutor(StationDb db, AccessControl access, PendingPasswords passwords, PasswordHashing? hashing = null) : IStationExecutor
{
    private readonly PasswordHasher<string> _hasher = new();

    public string Kind => AuthKinds.User;

    public async Task<Outcome<string?>> RunAsync(StationTask task, CancellationToken cancellationToken)
    {
        var p = task.Parameters;
        string action = Str(p, "action")!;
        string? username = Str(p, "username");
        string? group = Str(p, "group");
        string target = username ?? "@" + group;
        if (action is not ("create" or "delete" or "setPassword" or "setGroups" or "setQuota" or "createGroup" or "deleteGroup"))
            return StationError.BadRequest($"unknown action '{action}'");
        using var c = db.Open();
        if (action == "create" && Exists(c, null, "users", username!)) return Fail(task, action, target, StationError.Conflict($"user '{username}' already exists"));
        // The slow hash before the write transaction: the store's write lock is never held while PBKDF2 runs.
        string? hash = null;
        if (action is "create" or "setPassword")
        {
            var password = passwords.Take(Str(p, "passwordRef")!);
            if (password is null)
                return Fail(task, action, target, StationError.BadRequest(action == "create"
                    ? "the password was held in station memory only and is gone (the station restarted or 10 minutes passed); submit the user again"
                    : "the password was held in station memory only and is gone; set it again"));
            hash = hashing is null ? _hasher.HashPassword(username!, password) : await hashing.HashAsync(username!, password).ConfigureAwait(false);
        }
        var now = access.Now;
        StationError? failure;
        Outcome<string?> outcome = default!;
        using (db.Writing())
        {
            using var tx = c.BeginTransaction();
            failure = Apply(c, tx, task, action, username, group, hash, now, out outcome);
            if (failure is null)
            {
                access.Audit.Write(c, tx, task.Owner.Name, "user." + action, target, AuditOutcomes.Succeeded, $"task {task.Id}");
                tx.Commit();
            }
        }
        // A refused change is rolled back first, then audited on its own: never a second writer inside an open transaction.
        if (failure is not null) return Fail(task, action, target, failure);
        access.Reload($"{action} {username ?? group}");
        return outcome;
    }

    /// <summary>The change inside the open transaction; returns why it cannot be made, or null with its result.</summary>
    private static StationError? Apply(SqliteConnection c, SqliteTransaction tx, StationTask task, string action, string? username, string? group, string? hash, DateTimeOffset now, out Outcome<string?> outcome)
    {
        var p = task.Parameters;
        outcome = default!;
        switch (action)
        {
            case "create":
            {
                if (Exists(c, tx, "users", username!)) return StationError.Conflict($"user '{username}' already exists");
                var groups = Groups(p);
                if (groups.FirstOrDefault(g => !Exists(c, tx, "groups", g)) is { } missing) return NoGroup(missing);
                bool admin = Bool(p, "admin");
                c.Execute("INSERT INTO users(name, password_hash, is_admin, created_at, must_change_password, quota_mib) VALUES (@username, @hash, @admin, @now, @must, @quota)",
                    new { username, hash, admin = admin ? 1 : 0, now = StoreTime.Format(now), must = Bool(p, "mustChangePassword") ? 1 : 0, quota = Quota(p) }, tx);
                SetGroups(c, tx, username!, groups);
                if (admin) AccessControl.Grant(c, tx, "/", username!, Roles.Administrator.Name, task.Owner.Name, now);
                outcome = Json(new { username, groups, admin, quotaMiB = Quota(p) });
                return null;
            }
            case "delete":
                if (username == task.Owner.Name) return StationError.BadRequest("you cannot delete your own account");
                if (c.Execute("DELETE FROM users WHERE name=@username", new { username }, tx) == 0) return NoUser(username);
                c.Execute("DELETE FROM acl WHERE subject=@username", new { username }, tx);
                outcome = Json(new { username, deleted = true });
                return null;
            case "setPassword":
                if (c.Execute("UPDATE users SET password_hash=@hash, must_change_password=@must WHERE name=@username",
                        new { username, hash, must = Bool(p, "mustChangePassword") ? 1 : 0 }, tx) == 0)
                    return NoUser(username);
                UserService.RevokeSessions(c, tx, username!);
                // As UserService.SetPassword: the administrator vouches for the account, so its lock is lifted.
                c.Execute("DELETE FROM login_failures WHERE username=@username", new { username }, tx);
                outcome = Json(new { username, passwordChanged = true });
                return null;
            case "setGroups":
            {
                if (!Exists(c, tx, "users", username!)) return NoUser(username);
                var groups = Groups(p);
                if (groups.FirstOrDefault(g => !Exists(c, tx, "groups", g)) is { } missing) return NoGroup(missing);
                SetGroups(c, tx, username!, groups);
                outcome = Json(new { username, groups });
                return null;
            }
            case "setQuota":
                if (c.Execute("UPDATE users SET quota_mib=@quota WHERE name=@username", new { username, quota = Quota(p) }, tx) == 0)
                    return NoUser(username);
                outcome = Json(new { username, quotaMiB = Quota(p) });
                return null;
            case "createGroup":
                if (Exists(c, tx, "groups", group!)) return StationError.Conflict($"group '{group}' already exists");
                c.Execute("INSERT INTO groups(name, created_at) VALUES (@group, @now)", new { group, now = StoreTime.Format(now) }, tx);
                outcome = Json(new { group });
                return null;
            default:
                if (c.Execute("DELETE FROM groups WHERE name=@group", new { group }, tx) == 0) return StationError.NotFound($"there is no group '{group}'");
                c.Execute("DELETE FROM acl WHERE subject=@subject", new { subject = "@" + group }, tx);
                outcome = Json(new { group, deleted = true });
                return null;
        }
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

    private static string? Str(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    private static bool Bool(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
    private static long? Quota(JsonElement p) => p.TryGetProperty("quotaMiB", out var v) && v.ValueKind == JsonValueKind.Number && v.GetInt64() > 0 ? v.GetInt64() : null;

    private static List<string> Groups(JsonElement p) =>
        p.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array ? g.EnumerateArray().Select(e => e.GetString()!).Distinct().ToList() : [];

    private static Outcome<string?> Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
