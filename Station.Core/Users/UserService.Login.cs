using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Users;

/// <summary>
/// Login: per-address limit, account lockout, password, second factor, in that order; every outcome
/// audited as <c>auth.login</c> with the client address. Failures are kept in <c>login_failures</c>, so
/// a restart forgets neither a lock nor a limit. A lock ends the account's console sessions and its bearer
/// tokens are refused while it lasts (<c>UserService.Sessions.cs</c>).
/// </summary>
public sealed partial class UserService
{
    public const string LoginAction = "auth.login";
    public const string LockoutAction = "auth.lockout";

    /// <param name="totp">The 6-digit code, or a recovery code, for accounts with a second factor.</param>
    /// <param name="address">The client's IP address (per-address limit and the audit line).</param>
    public LoginResult Login(string? username, string? password, string? totp, string? address)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
            return new LoginResult(LoginStatus.Refused, LoginPolicy.WrongCredentials);
        if (username.Length > 200) username = username[..200];
        var now = _time.GetUtcNow();
        using var c = db.Open();

        // Unknown and known names alike: neither check reveals whether the account exists.
        if (address is not null && AddressRetryAt(c, address, now) is { } retry)
        {
            Audit.Write(username, LoginAction, username, AuditOutcomes.Refused, $"too many failed logins from {address}", address);
            return new LoginResult(LoginStatus.Throttled, LoginPolicy.Throttled(retry), RetryAt: retry);
        }
        if (LockedUntil(c, username, now) is { } until)
        {
            Audit.Write(username, LoginAction, username, AuditOutcomes.Refused, $"account locked until {TaskStore.Time(until)}", address);
            return new LoginResult(LoginStatus.Locked, LoginPolicy.Locked(username, until), RetryAt: until);
        }

        if (!CheckPassword(c, username, password)) return Fail(c, username, address, now, "wrong user name or password");
        var row = c.QuerySingle<(long Disabled, string? Secret, long Required, long MustChange)>(
            "SELECT disabled, totp_secret, totp_required, must_change_password FROM users WHERE name=@username", new { username });
        if (row.Disabled == 1)
        {
            Audit.Write(username, LoginAction, username, AuditOutcomes.Failed, "the account is disabled", address);
            return new LoginResult(LoginStatus.Refused, LoginPolicy.WrongCredentials);
        }
        if (row.Secret is not null)
        {
            if (string.IsNullOrWhiteSpace(totp))
            {
                Audit.Write(username, LoginAction, username, AuditOutcomes.Refused, "password right, one-time code missing", address);
                return new LoginResult(LoginStatus.CodeRequired, LoginPolicy.CodeRequired);
            }
            var factor = CheckSecondFactor(c, username, row.Secret, totp, now);
            if (factor is null) return Fail(c, username, address, now, "wrong or reused one-time code", LoginPolicy.WrongCode);
            if (factor == SecondFactor.RecoveryCode)
                Audit.Write(username, "auth.recovery-code", username, AuditOutcomes.Succeeded, $"{RecoveryCodesLeft(c, username)} recovery codes left", address);
        }

        c.Execute("DELETE FROM login_failures WHERE username=@username", new { username });
        var step = StepFor(row.MustChange == 1, row.Required == 1, row.Secret is not null);
        Audit.Write(username, LoginAction, username, AuditOutcomes.Succeeded,
            step switch { AccountStep.ChangePassword => "must change the password first", AccountStep.EnrolTotp => "must set up a one-time code first", _ => null }, address);
        return new LoginResult(LoginStatus.Succeeded, "signed in", access.Resolve(username), step);
    }

    private LoginResult Fail(SqliteConnection c, string username, string? address, DateTimeOffset now, string detail, string message = LoginPolicy.WrongCredentials)
    {
        c.Execute("INSERT INTO login_failures(username, address, at) VALUES (@username, @address, @at)", new { username, address, at = TaskStore.Time(now) });
        // Old failures count for nothing any more; keep the table small.
        c.Execute("DELETE FROM login_failures WHERE at < @old", new { old = TaskStore.Time(now - TimeSpan.FromDays(1)) });
        Audit.Write(username, LoginAction, username, AuditOutcomes.Failed, detail, address);
        if (LockedUntil(c, username, now) is { } until)
        {
            // A lock ends the account's console sessions too: whoever is guessing may already be signed in elsewhere.
            EndConsoleSessions(c, null, username);
            Audit.Write(username, LockoutAction, username, AuditOutcomes.Refused,
                $"{LoginPolicy.MaxAccountFailures} failed logins within {LoginPolicy.AccountWindow.TotalMinutes} minutes; locked until {TaskStore.Time(until)}", address);
            return new LoginResult(LoginStatus.Locked, LoginPolicy.Locked(username, until), RetryAt: until);
        }
        return new LoginResult(LoginStatus.Refused, message);
    }

    /// <summary>
    /// When the account's lock ends, or null when it is not locked. A lock starts at a failure that is
    /// the 5th within 15 minutes and lasts 15 minutes; attempts during a lock are not recorded, so it
    /// ends on time however often someone keeps trying.
    /// </summary>
    public DateTimeOffset? LockedUntil(string username)
    {
        using var c = db.Open();
        return LockedUntil(c, username, _time.GetUtcNow());
    }

    private static DateTimeOffset? LockedUntil(SqliteConnection c, string username, DateTimeOffset now)
    {
        var since = now - LoginPolicy.AccountWindow - LoginPolicy.LockDuration;
        var times = c.Query<string>("SELECT at FROM login_failures WHERE username=@username AND at >= @since ORDER BY at",
            new { username, since = TaskStore.Time(since) }).Select(TaskStore.ParseTime).ToList();
        DateTimeOffset? until = null;
        for (int k = LoginPolicy.MaxAccountFailures - 1; k < times.Count; k++)
        {
            if (times[k] - times[k - LoginPolicy.MaxAccountFailures + 1] <= LoginPolicy.AccountWindow) until = times[k] + LoginPolicy.LockDuration;
        }
        return until > now ? until : null;
    }

    /// <summary>When this address may try again: once the oldest of its last 20 failures leaves the window.</summary>
    private static DateTimeOffset? AddressRetryAt(SqliteConnection c, string address, DateTimeOffset now)
    {
        var times = c.Query<string>("SELECT at FROM login_failures WHERE address=@address AND at > @since ORDER BY at",
            new { address, since = TaskStore.Time(now - LoginPolicy.AddressWindow) }).Select(TaskStore.ParseTime).ToList();
        return times.Count >= LoginPolicy.MaxAddressFailures ? times[^LoginPolicy.MaxAddressFailures] + LoginPolicy.AddressWindow : null;
    }
}
