using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Users;

/// <summary>
/// Failed sign-ins of one account between its previous successful sign-in and its latest one: what the
/// console tells a person who just signed in ("2 failed sign-ins since …"), so a guess at their password
/// does not go unnoticed.
/// </summary>
/// <param name="Count">Wrong passwords or one-time codes for the account in that span.</param>
/// <param name="Since">The previous successful sign-in, or null when the latest one is the account's first.</param>
/// <param name="LastAt">When the last of those failures happened.</param>
/// <param name="LastAddress">The client address of the last failure, as audited.</param>
/// <param name="SignedInAt">The latest successful sign-in, the one the notice is about.</param>
/// <param name="SignInId">The audit line of that sign-in: a console remembers it to show the notice once per sign-in.</param>
public sealed record FailedSignIns(int Count, DateTimeOffset? Since, DateTimeOffset LastAt, string? LastAddress, DateTimeOffset SignedInAt, long SignInId);

public sealed partial class UserService
{
    /// <summary>
    /// The failed sign-ins before the account's latest successful one and after the one before that, read from
    /// the audit (every login outcome is there, and it is append-only, so nothing here can be cleared by a later
    /// success the way <c>login_failures</c> is). Null when the account never signed in or nothing failed.
    /// Refusals (a lock, an address limit, a missing code) are not counted: no password was judged wrong.
    /// </summary>
    public FailedSignIns? FailedSignInsBeforeLatest(string username)
    {
        using var c = db.Open();
        var signIns = c.Query<(long Id, string At)>(
            "SELECT id, at FROM audit WHERE action=@action AND target=@username AND actor=@username AND outcome=@succeeded ORDER BY id DESC LIMIT 2",
            new { action = LoginAction, username, succeeded = AuditOutcomes.Succeeded }).ToList();
        if (signIns.Count == 0) return null;
        var (latestId, latestAt) = signIns[0];
        long previousId = signIns.Count > 1 ? signIns[1].Id : 0;
        var failures = c.Query<(string At, string? Address)>(
            "SELECT at, address FROM audit WHERE action=@action AND target=@username AND actor=@username AND outcome=@failed AND id > @previousId AND id < @latestId ORDER BY id",
            new { action = LoginAction, username, failed = AuditOutcomes.Failed, previousId, latestId }).ToList();
        if (failures.Count == 0) return null;
        return new FailedSignIns(failures.Count, signIns.Count > 1 ? StoreTime.Parse(signIns[1].At) : null,
            StoreTime.Parse(failures[^1].At), failures[^1].Address, StoreTime.Parse(latestAt), latestId);
    }
}
