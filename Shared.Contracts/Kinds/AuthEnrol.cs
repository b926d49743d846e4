using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>auth.enrol {action, note?, expiresInMinutes?, unit?}</c>: creates a one-time enrolment token for a new unit, or
/// revokes an enrolled unit, at the station. The token itself is never part of the stored result.
/// </summary>
public sealed class AuthEnrol : KindContract<AuthEnrolParameters, AuthEnrolResult>
{
    public const string EnrolPrivilege = "Units.Enrol";

    /// <summary>What the result says where the token would be: the token is handed once to whoever asked and never stored.</summary>
    public const string TokenWithheld = "(shown once to whoever created it)";

    public static readonly AuthEnrol Contract = new();

    public override string Kind => TaskKinds.AuthEnrol;
    public override string Title => "Create an enrolment token or revoke a unit";
    public override string Group => KindGroups.Access;
    public override string Action => "Enrol or revoke a unit";
    public override string Privilege => EnrolPrivilege;
    public override IReadOnlyList<string> Stages { get; } = ["changing enrolments"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("action", ParameterType.String, true, "createToken or revoke", Allowed: ActionWords.Of<AuthEnrolAction>(), Example: "createToken"),
        new("note", ParameterType.String, false, "which machine the token is for (createToken)"),
        new("expiresInMinutes", ParameterType.Number, false, "token lifetime (createToken; default 60, at most 10080)", 1, 10080, Whole: true),
        new("unit", ParameterType.String, false, "the unit to revoke (revoke)", Example: "web-1"),
    ];

    protected override string? Subject(AuthEnrolParameters p, System.Text.Json.JsonElement json) => p.Unit ?? p.Note;

    protected override string? Rules(AuthEnrolParameters p) => p.Action != AuthEnrolAction.Revoke ? null
        : string.IsNullOrEmpty(p.Unit) ? "revoke needs 'unit'"
        : p.Unit.Contains('/', StringComparison.Ordinal) || p.Unit is "." or ".." ? $"'unit' must be a unit's name, not a path; got '{p.Unit}'"
        : null;
}

public enum AuthEnrolAction { CreateToken, Revoke }

[MessagePackObject(true)]
public sealed record AuthEnrolParameters(AuthEnrolAction Action, string? Note = null, int? ExpiresInMinutes = null, string? Unit = null);

/// <summary>
/// createToken fills <see cref="Id"/>, <see cref="ExpiresAt"/>, <see cref="Note"/> and <see cref="Token"/> (always
/// <see cref="AuthEnrol.TokenWithheld"/>); revoke fills <see cref="Unit"/>, <see cref="RevokedAt"/>, <see cref="RevokedBy"/>
/// and <see cref="ConnectionsClosed"/>. The rest are null.
/// </summary>
[MessagePackObject(true)]
public sealed record AuthEnrolResult(AuthEnrolAction Action, long? Id = null, DateTimeOffset? ExpiresAt = null, string? Note = null, string? Token = null,
    string? Unit = null, DateTimeOffset? RevokedAt = null, string? RevokedBy = null, int? ConnectionsClosed = null);
