using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>auth.grant {action, path, subject, role?}</c> → <c>{action, path, subject, role, changed}</c>: grants or revokes a
/// role on a path for a user or an @group, at the station.
/// </summary>
public sealed class AuthGrant : KindContract<AuthGrantParameters, AuthGrantResult>
{
    public const string ManagePrivilege = "Acl.Manage";

    public static readonly AuthGrant Contract = new();

    public override string Kind => TaskKinds.AuthGrant;
    public override string Title => "Grant or revoke a role on a path";
    public override string Group => KindGroups.Access;
    public override string Action => "Grant or revoke a role";
    public override string Privilege => ManagePrivilege;
    public override IReadOnlyList<string> Stages { get; } = ["changing the ACL"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("action", ParameterType.String, true, "grant or revoke", Allowed: ActionWords.Of<AuthGrantAction>(), Example: "grant"),
        new("path", ParameterType.String, true, "'/', or a path under /units or /station", Example: "/units/web-1"),
        new("subject", ParameterType.String, true, "a user name, or @group", Example: "@helpdesk"),
        new("role", ParameterType.String, false, "the role (required to grant; revoking without a role removes all of the subject's roles on the path)",
            Allowed: RoleNames.BuiltIn, Example: RoleNames.HelpDesk),
    ];

    protected override string? Subject(AuthGrantParameters p, System.Text.Json.JsonElement json) => $"{p.Role ?? "roles"} of {p.Subject} on {p.Path}";

    protected override string? Rules(AuthGrantParameters p) =>
        p.Action == AuthGrantAction.Grant && p.Role is null ? "granting needs a 'role'" : null;
}

public enum AuthGrantAction { Grant, Revoke }

[MessagePackObject(true)]
public sealed record AuthGrantParameters(AuthGrantAction Action, string Path, string Subject, string? Role = null);

/// <summary><see cref="Path"/> in its normal form; <see cref="Changed"/>: the ACL entries added or removed.</summary>
[MessagePackObject(true)]
public sealed record AuthGrantResult(AuthGrantAction Action, string Path, string Subject, string? Role, int Changed);
