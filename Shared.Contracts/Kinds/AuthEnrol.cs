using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>auth.enrol {action, note?, expiresInMinutes?, count?, unit?, token?}</c>: creates an enrolment token for up to
/// <c>count</c> new units (one by default; a fleet token for more), revokes an enrolled unit, or revokes a token
/// before it runs out, at the station. The token itself is never part of the stored result.
/// </summary>
public sealed class AuthEnrol : KindContract<AuthEnrolParameters, AuthEnrolResult>
{
    public const string EnrolPrivilege = "Units.Enrol";

    /// <summary>What the result says where the token would be: the token is handed once to whoever asked and never stored.</summary>
    public const string TokenWithheld = "(shown once to whoever created it)";

    /// <summary>The most units one fleet token may enrol.</summary>
    public const int MaxCount = 100_000;

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
        new("action", ParameterType.String, true, "createToken, revoke (a unit) or revokeToken", Allowed: ActionWords.Of<AuthEnrolAction>(), Example: "createToken"),
        new("note", ParameterType.String, false, "which machine the token is for (createToken)"),
        new("expiresInMinutes", ParameterType.Number, false, "token lifetime (createToken; default 60, at most 10080)", 1, 10080, Whole: true),
        new("count", ParameterType.Number, false, $"how many units the token may enrol (createToken; default 1, at most {MaxCount})", 1, MaxCount, Whole: true),
        new("unit", ParameterType.String, false, "the unit to revoke (revoke)", Example: "web-1"),
        new("token", ParameterType.Number, false, "the id of the enrolment token to revoke (revokeToken)", 1, Whole: true),
    ];

    protected override string? Subject(AuthEnrolParameters p, System.Text.Json.JsonElement json) =>
        p.Action == AuthEnrolAction.RevokeToken ? $"token {p.Token}" : p.Unit ?? p.Note;

    protected override string? Rules(AuthEnrolParameters p) => p.Action == AuthEnrolAction.RevokeToken
        ? (p.Token is null ? "revokeToken needs 'token', the id of the enrolment token" : null)
        : p.Action != AuthEnrolAction.Revoke ? null
        : string.IsNullOrEmpty(p.Unit) ? "revoke needs 'unit'"
        : p.Unit.Contains('/', StringComparison.Ordinal) || p.Unit is "." or ".." ? $"'unit' must be a unit's name, not a path; got '{p.Unit}'"
        : null;
}

public enum AuthEnrolAction { CreateToken, Revoke, RevokeToken }

[MessagePackObject(true)]
public sealed record AuthEnrolParameters(AuthEnrolAction Action, string? Note = null, int? ExpiresInMinutes = null, string? Unit = null,
    int? Count = null, long? Token = null);

/// <summary>
/// createToken fills <see cref="Id"/>, <see cref="ExpiresAt"/>, <see cref="Note"/> and <see cref="Token"/> (always
/// <see cref="AuthEnrol.TokenWithheld"/>); revoke fills <see cref="Unit"/>, <see cref="RevokedAt"/>, <see cref="RevokedBy"/>
/// and <see cref="ConnectionsClosed"/>; revokeToken fills <see cref="Id"/>, <see cref="Note"/>, <see cref="RevokedAt"/>,
/// <see cref="RevokedBy"/> and <see cref="Uses"/>. createToken also fills <see cref="Count"/>. The rest are null.
/// </summary>
[MessagePackObject(true)]
public sealed record AuthEnrolResult(AuthEnrolAction Action, long? Id = null, DateTimeOffset? ExpiresAt = null, string? Note = null, string? Token = null,
    string? Unit = null, DateTimeOffset? RevokedAt = null, string? RevokedBy = null, int? ConnectionsClosed = null, int? Count = null, int? Uses = null);
