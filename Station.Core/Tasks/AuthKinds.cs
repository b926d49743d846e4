using System.Text.Json;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Administration as tasks: users and groups, grants on the ACL. They run at the station with
/// locks on <c>/station/users/{name}</c>, <c>/station/groups/{name}</c> and <c>/station/acl</c>.
/// </summary>
public static class AuthKinds
{
    public const string User = "auth.user";
    public const string Grant = "auth.grant";

    public static readonly IReadOnlyList<string> UserActions = ["create", "delete", "setPassword", "setGroups", "setQuota", "createGroup", "deleteGroup"];
    public static readonly IReadOnlyList<string> GrantActions = ["grant", "revoke"];

    private static string? Str(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static string GroupResource(string name) => $"/station/groups/{name}";

    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return new TaskKindDefinition(User, "Create, change or delete a user or group", Privileges.UsersManage, 1, false,
            [
                new ParameterSpec("action", ParameterType.String, true, "what to do", Allowed: UserActions, Example: "create"),
                new ParameterSpec("username", ParameterType.String, false, "the user (for user actions)", Example: "bob"),
                new ParameterSpec("group", ParameterType.String, false, "the group (createGroup, deleteGroup)", Example: "helpdesk"),
                new ParameterSpec("groups", ParameterType.StringArray, false, "groups the user belongs to (create, setGroups)"),
                new ParameterSpec("admin", ParameterType.Boolean, false, "grant Administrator on / (create)"),
                new ParameterSpec("passwordRef", ParameterType.String, false, "reference to a password held in station memory (set by POST /api/v1/users; passwords never enter task parameters)"),
                new ParameterSpec("mustChangePassword", ParameterType.Boolean, false, "make the user choose a new password at their next login"),
                new ParameterSpec("quotaMiB", ParameterType.Number, false, "total size of the volumes the user may own (setQuota, create); 0 removes the limit", 0, 1 << 30),
            ],
            (_, p) =>
            {
                var action = Str(p, "action");
                if (action is "createGroup" or "deleteGroup") return [new LockRequest(GroupResource(Str(p, "group") ?? ""), LockMode.Exclusive)];
                var user = new LockRequest(ResourcePath.User(Str(p, "username") ?? ""), LockMode.Exclusive);
                // A new administrator is a grant on the ACL as well.
                return action == "create" && p.TryGetProperty("admin", out var a) && a.ValueKind == JsonValueKind.True
                    ? [user, new LockRequest(ResourcePath.Acl, LockMode.Exclusive)]
                    : [user];
            })
        {
            RunsAtStation = true,
            Rules = p =>
            {
                var action = Str(p, "action");
                if (action is "createGroup" or "deleteGroup")
                    return Names.Problem(Str(p, "group"), "group");
                if (Names.Problem(Str(p, "username"), "username") is { } bad) return bad;
                if (action is "create" or "setPassword" && Str(p, "passwordRef") is null)
                    return $"{action} needs a password: use POST /api/v1/users or PUT /api/v1/users/{{name}}/password, which keep it out of the task's parameters";
                if (action is "setGroups" && !p.TryGetProperty("groups", out _)) return "setGroups needs 'groups'";
                if (action is "setQuota" && !p.TryGetProperty("quotaMiB", out _)) return "setQuota needs 'quotaMiB'";
                return null;
            },
        };

        yield return new TaskKindDefinition(Grant, "Grant or revoke a role on a path", Privileges.AclManage, 1, false,
            [
                new ParameterSpec("action", ParameterType.String, true, "grant or revoke", Allowed: GrantActions, Example: "grant"),
                new ParameterSpec("path", ParameterType.String, true, "'/', or a path under /units or /station", Example: "/units/web-1"),
                new ParameterSpec("subject", ParameterType.String, true, "a user name, or @group", Example: "@helpdesk"),
                new ParameterSpec("role", ParameterType.String, false, "the role (required to grant; revoking without a role removes all of the subject's roles on the path)",
                    Allowed: Roles.BuiltIn.Select(r => r.Name).ToList(), Example: "HelpDesk"),
            ],
            (_, _) => [new LockRequest(ResourcePath.Acl, LockMode.Exclusive)])
        {
            RunsAtStation = true,
            Rules = p => Str(p, "action") == "grant" && Str(p, "role") is null ? "granting needs a 'role'" : null,
        };
    }
}

/// <summary>User and group names, as <see cref="Shared.Contracts.NameRules"/> rules them for station and unit alike.</summary>
public static class Names
{
    public static bool IsValid(string? name) => Shared.Contracts.NameRules.IsValidUser(name);

    public static string? Problem(string? name, string what) => Shared.Contracts.NameRules.UserProblem(name, what);
}
