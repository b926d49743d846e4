using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>auth.user {action, username?, group?, groups?, admin?, passwordRef?, mustChangePassword?, quotaMiB?, disabled?}</c>: creates,
/// changes, disables (locks) or deletes a user or a group, at the station. A password never enters the parameters: the REST API holds
/// it in station memory and passes a reference.
/// </summary>
public sealed class AuthUser : KindContract<AuthUserParameters, AuthUserResult>
{
    public const string ManagePrivilege = "Users.Manage";

    public static readonly AuthUser Contract = new();

    public override string Kind => TaskKinds.AuthUser;
    public override string Title => "Create, change or delete a user or group";
    public override string Group => KindGroups.Access;
    public override string Action => "Manage a user or group";
    public override string Privilege => ManagePrivilege;
    public override IReadOnlyList<string> Stages { get; } = ["changing users"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("action", ParameterType.String, true, "what to do", Allowed: ActionWords.Of<AuthUserAction>(), Example: "create"),
        new("username", ParameterType.String, false, "the user (for user actions)", Example: "bob"),
        new("group", ParameterType.String, false, "the group (createGroup, deleteGroup)", Example: "helpdesk"),
        new("groups", ParameterType.StringArray, false, "groups the user belongs to (create, setGroups)"),
        new("admin", ParameterType.Boolean, false, "grant Administrator on / (create)"),
        new("passwordRef", ParameterType.String, false, "reference to a password held in station memory (set by POST /api/v1/users; passwords never enter task parameters)"),
        new("mustChangePassword", ParameterType.Boolean, false, "make the user choose a new password at their next login"),
        new("quotaMiB", ParameterType.Number, false, "total size of the volumes the user may own (setQuota, create); 0 removes the limit", 0, 1 << 30, Whole: true),
        new("disabled", ParameterType.Boolean, false, "true locks the account (no sign-in, its sessions end, its tokens are refused), false unlocks it (setDisabled)"),
    ];

    protected override string? Subject(AuthUserParameters p, System.Text.Json.JsonElement json) => p.Username ?? "@" + p.Group;

    /// <summary>Whether the action names a group rather than a user.</summary>
    public static bool IsGroupAction(AuthUserAction action) => action is AuthUserAction.CreateGroup or AuthUserAction.DeleteGroup;

    protected override string? Rules(AuthUserParameters p)
    {
        if (IsGroupAction(p.Action)) return NameRules.UserProblem(p.Group, "group");
        if (NameRules.UserProblem(p.Username, "username") is { } bad) return bad;
        if (p.Action is AuthUserAction.Create or AuthUserAction.SetPassword && p.PasswordRef is null)
            return $"{ActionWords.Of(p.Action)} needs a password: use POST /api/v1/users or PUT /api/v1/users/{{name}}/password, which keep it out of the task's parameters";
        if (p.Action is AuthUserAction.SetGroups && p.Groups is null) return "setGroups needs 'groups'";
        if (p.Action is AuthUserAction.SetQuota && p.QuotaMiB is null) return "setQuota needs 'quotaMiB'";
        if (p.Action is AuthUserAction.SetDisabled && p.Disabled is null) return "setDisabled needs 'disabled' (true locks the account, false unlocks it)";
        return p.Groups?.FirstOrDefault(g => !NameRules.IsValidUser(g)) is { } badGroup ? $"group name '{badGroup}' is not valid: {NameRules.UserProblem(badGroup, "group")}" : null;
    }
}

/// <summary>What an <c>auth.user</c> task does; travels as camelCase words ("setPassword", "createGroup").</summary>
public enum AuthUserAction { Create, Delete, SetPassword, SetGroups, SetQuota, CreateGroup, DeleteGroup, SetDisabled }

/// <summary>An absent <see cref="QuotaMiB"/> or 0 means no limit.</summary>
[MessagePackObject(true)]
public sealed record AuthUserParameters(AuthUserAction Action, string? Username = null, string? Group = null, IReadOnlyList<string>? Groups = null,
    bool? Admin = null, string? PasswordRef = null, bool? MustChangePassword = null, long? QuotaMiB = null, bool? Disabled = null)
{
    /// <summary>The groups without repeats, empty when none were given.</summary>
    public IReadOnlyList<string> DistinctGroups() => Groups?.Distinct(StringComparer.Ordinal).ToList() ?? [];

    /// <summary>The quota to store: null for none (absent or 0).</summary>
    public long? Quota() => QuotaMiB is > 0 ? QuotaMiB : null;
}

/// <summary>
/// What changed: the action, the user or group, and the fields the action set (groups and admin on create and
/// setGroups, quotaMiB on create and setQuota, deleted on the deletes, passwordChanged on setPassword, disabled on
/// setDisabled); the rest null.
/// </summary>
[MessagePackObject(true)]
public sealed record AuthUserResult(AuthUserAction Action, string? Username = null, string? Group = null, IReadOnlyList<string>? Groups = null,
    bool? Admin = null, long? QuotaMiB = null, bool? Deleted = null, bool? PasswordChanged = null, bool? Disabled = null);
