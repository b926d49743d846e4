using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;

namespace Ccdsvm.Station.Core.Users;

/// <summary>A user as administrators see them: groups, roles on paths, quota.</summary>
/// <remarks><see cref="Disabled"/>: locked by an administrator (no sign-in, sessions and tokens refused).</remarks>
public sealed record UserDetails(string Username, bool IsAdmin, IReadOnlyList<string> Groups, IReadOnlyList<AclEntryView> Grants,
    long? QuotaMiB, bool TotpEnabled, bool MustChangePassword, DateTimeOffset CreatedAt, bool Disabled = false);

public sealed record GroupDetails(string Name, IReadOnlyList<string> Members, IReadOnlyList<AclEntryView> Grants);

/// <summary>What a user/ACL change became: the task that ran it, and its result.</summary>
public sealed record AdminChange(TaskView Task, JsonElement? Result);

/// <summary>
/// Users, groups, the ACL and the audit log for the REST API and the console. Reads check privileges here;
/// changes become <c>auth.user</c> / <c>auth.grant</c> tasks through the task list and are waited for.
/// </summary>
public sealed class UserAdmin(StationDb db, AccessControl access, TaskEngine engine, PendingPasswords passwords)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public Outcome<IReadOnlyList<UserDetails>> Users(Caller caller)
    {
        bool all = access.Allows(caller, AdminResources.Users, Privileges.UsersManage) || access.Allows(caller, AdminResources.Users, Privileges.AuditView);
        using var c = db.Open();
        var rows = c.Query<(string Name, string CreatedAt, long? Quota, string? Totp, long Must, long Disabled)>(
            "SELECT name, created_at, quota_mib, totp_secret, must_change_password, disabled FROM users ORDER BY name").ToList();
        return rows.Where(r => all || r.Name == caller.Name).Select(r =>
        {
            var resolved = access.Resolve(r.Name);
            return new UserDetails(r.Name, resolved.IsAdmin, resolved.GroupNames, access.Entries.Where(e => e.Subject == r.Name).ToList(),
                r.Quota, r.Totp is not null, r.Must == 1, StoreTime.Parse(r.CreatedAt), r.Disabled == 1);
        }).ToList();
    }

    public Outcome<IReadOnlyList<GroupDetails>> Groups(Caller caller)
    {
        if (!access.Allows(caller, AdminResources.Users, Privileges.UsersManage) && !access.Allows(caller, AdminResources.Users, Privileges.AuditView))
            return access.Refuse(caller, "groups.list", AdminResources.Users, Privileges.UsersManage);
        using var c = db.Open();
        var members = c.Query<(string Group, string User)>("SELECT group_name, username FROM group_members").ToLookup(m => m.Group, m => m.User);
        return c.Query<string>("SELECT name FROM groups ORDER BY name")
            .Select(g => new GroupDetails(g, members[g].Order().ToList(), access.Entries.Where(e => e.Subject == "@" + g).ToList())).ToList();
    }

    public Task<Outcome<AdminChange>> CreateUserAsync(Caller caller, string? username, string? password, IReadOnlyList<string>? groups, bool admin, long? quotaMiB, bool mustChangePassword)
    {
        if (Names.Problem(username, "username") is { } bad) return Done(StationError.BadRequest(bad));
        if (password is null || password.Length < UserService.MinPasswordLength)
            return Done(StationError.BadRequest($"'password' must have at least {UserService.MinPasswordLength} characters"));
        if (groups?.FirstOrDefault(g => !Names.IsValid(g)) is { } badGroup) return Done(StationError.BadRequest($"group name '{badGroup}' is not valid"));
        return RunUserAsync(caller, new AuthUserParameters(AuthUserAction.Create, username, Groups: groups ?? [], Admin: admin,
            PasswordRef: passwords.Hold(password), MustChangePassword: mustChangePassword, QuotaMiB: quotaMiB));
    }

    public Task<Outcome<AdminChange>> SetPasswordAsync(Caller caller, string username, string? password, bool mustChange)
    {
        if (password is null || password.Length < UserService.MinPasswordLength)
            return Done(StationError.BadRequest($"'password' must have at least {UserService.MinPasswordLength} characters"));
        return RunUserAsync(caller, new AuthUserParameters(AuthUserAction.SetPassword, username, PasswordRef: passwords.Hold(password), MustChangePassword: mustChange));
    }

    /// <summary>
    /// Locks (<paramref name="disabled"/> true) or unlocks an account: administrators only; nobody locks their own account
    /// or the last unlocked administrator. Runs as an audited <c>auth.user setDisabled</c> task.
    /// </summary>
    public Task<Outcome<AdminChange>> SetDisabledAsync(Caller caller, string? username, bool disabled)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Names.Problem(username, "username") is { } bad) return Done(StationError.BadRequest(bad));
        if (!caller.IsAdmin) return Done(access.Refuse(caller, "user.setDisabled", ResourcePath.User(username!), Privileges.UsersManage));
        if (disabled && username == caller.Name) return Done(StationError.BadRequest("you cannot lock your own account: another administrator has to"));
        return RunUserAsync(caller, new AuthUserParameters(AuthUserAction.SetDisabled, username, Disabled: disabled));
    }

    public Task<Outcome<AdminChange>> UserChangeAsync(Caller caller, AuthUserAction action, string? username = null, string? group = null, IReadOnlyList<string>? groups = null, long? quotaMiB = null)
    {
        if (action is AuthUserAction.Create or AuthUserAction.SetPassword)
            return Done(StationError.BadRequest($"{ActionWords.Of(action)} takes a password: use CreateUserAsync or SetPasswordAsync"));
        return RunUserAsync(caller, new AuthUserParameters(action, username, group, groups,
            QuotaMiB: action == AuthUserAction.SetQuota ? quotaMiB ?? 0 : null));
    }

    public Outcome<IReadOnlyList<AclEntryView>> Acl(Caller caller)
    {
        if (!access.Allows(caller, ResourcePath.Acl, Privileges.AclManage) && !access.Allows(caller, ResourcePath.Acl, Privileges.AuditView))
            return access.Refuse(caller, "acl.list", ResourcePath.Acl, Privileges.AclManage);
        return access.Entries.ToList();
    }

    public Task<Outcome<AdminChange>> GrantAsync(Caller caller, string? path, string? subject, string? role)
    {
        if (access.ValidateGrant(path, subject, role) is { } problem) return Done(StationError.BadRequest(problem));
        return RunAsync(caller, TaskKinds.AuthGrant, AuthGrant.Contract.Write(new AuthGrantParameters(AuthGrantAction.Grant, path!, subject!, role)));
    }

    public Task<Outcome<AdminChange>> RevokeAsync(Caller caller, string? path, string? subject, string? role)
    {
        if (!ResourcePath.IsValid(path) || string.IsNullOrWhiteSpace(subject))
            return Done(StationError.BadRequest("'path' and 'subject' are required, e.g. ?path=/units/web-1&subject=@helpdesk&role=HelpDesk"));
        var parameters = new AuthGrantParameters(AuthGrantAction.Revoke, path!, subject, string.IsNullOrEmpty(role) ? null : role);
        return RunAsync(caller, TaskKinds.AuthGrant, AuthGrant.Contract.Write(parameters));
    }

    public Outcome<IReadOnlyList<AuditEntry>> AuditLog(Caller caller, AuditQuery query)
    {
        if (!access.Allows(caller, AdminResources.Audit, Privileges.AuditView))
            return access.Refuse(caller, "audit.list", AdminResources.Audit, Privileges.AuditView);
        return Outcome(access.Audit.Query(query));
    }

    private static Outcome<IReadOnlyList<AuditEntry>> Outcome(IReadOnlyList<AuditEntry> list) => new(list, null);

    private Task<Outcome<AdminChange>> RunUserAsync(Caller caller, AuthUserParameters parameters) =>
        RunAsync(caller, TaskKinds.AuthUser, AuthUser.Contract.Write(parameters));

    private async Task<Outcome<AdminChange>> RunAsync(Caller caller, string kind, JsonElement json)
    {
        var run = await engine.RunAndWaitAsync(new SubmitTask(kind, TaskEngine.StationTarget, json), caller, Wait).ConfigureAwait(false);
        if (!run.Ok) return run.Error!;
        var task = run.Value!;
        if (task.State == Shared.Contracts.TaskStateNames.Failed) return TaskFailures.ToStationError(task);
        JsonElement? result = task.Result is { } r ? r : null;
        return new AdminChange(task, result);
    }

    private static Task<Outcome<AdminChange>> Done(StationError error) => Task.FromResult<Outcome<AdminChange>>(error);
}
