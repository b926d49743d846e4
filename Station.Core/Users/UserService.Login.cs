using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
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
        if (Unusable(ref username, password) is { } bad) return bad;
        var now = _time.GetUtcNow();
        using var c = db.Open();
        var admitted = AdmitAttempt(c, username!, address, now);
        if (admitted.Refusal is { } refusal) return refusal;
        return Finish(c, username!, CheckPassword(c, username!, password!), totp, address, now, admitted.Attempt);
    }

    /// <summary><see cref="Login"/> with the password check on the hashing threads: what the REST API and the login page call.</summary>
    public async Task<LoginResult> LoginAsync(string? username, string? password, string? totp, string? address)
    {
        if (Unusable(ref username, password) is { } bad) return bad;
        var now = _time.GetUtcNow();
        using var c = db.Open();
        var admitted = AdmitAttempt(c, username!, address, now);
        if (admitted.Refusal is { } refusal) return refusal;
        bool right = await CheckPasswordAsync(c, username!, password!).ConfigureAwait(false);
        return Finish(c, username!, right, totp, address, now, admitted.Attempt);
    }

    private static LoginResult? Unusable(ref string? username, string? password)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
            return new LoginResult(LoginStatus.Refused, LoginPolicy.WrongCredentials);
        if (username.Length > 200) username = username[..200];
        return null;
    }

    /// <summary>After the password check: the second factor, then the outcome. The attempt already counts as a failure: a wrong password or code leaves it so, anything else takes it back.</summary>
    private LoginResult Finish(SqliteConnection c, string username, bool passwordRight, string? totp, string? address, DateTimeOffset now, long attempt)
    {
        if (!passwordRight) return Fail(c, username, address, now, "wrong user name or password");
        var row = c.QuerySingle<(long Disabled, string? Secret, long Required, long MustChange)>(
            "SELECT disabled, totp_secret, totp_required, must_change_password FROM users WHERE name=@username", new { username });
        if (row.Disabled == 1)
        {
            ForgetAttempt(c, attempt);
            Audit.Write(username, LoginAction, username, AuditOutcomes.Failed, "the account is disabled", address);
            // The password was right, so saying why is no help to a guesser and spares the user a reset that cannot work.
            return new LoginResult(LoginStatus.Refused, LoginPolicy.Disabled(username));
        }
        if (row.Secret is not null)
        {
            if (string.IsNullOrWhiteSpace(totp))
            {
                ForgetAttempt(c, attempt);
                Audit.Write(username, LoginAction, username, AuditOutcomes.Refused, "password right, one-time code missing", address);
                return new LoginResult(LoginStatus.CodeRequired, LoginPolicy.CodeRequired);
            }
            var factor = CheckSecondFactor(c, username, row.Secret, totp, now);
            if (factor is null) return Fail(c, username, address, now, "wrong or reused one-time code", LoginPolicy.WrongCode);
            if (factor == SecondFactor.RecoveryCode)
                Audit.Write(username, "auth.recovery-code", username, AuditOutcomes.Succeeded, $"{RecoveryCodesLeft(c, username)} recovery codes left", address);
        }

        using (db.Writing()) c.Execute("DELETE FROM login_failures WHERE username=@username", new { username });
        var step = StepFor(row.MustChange == 1, row.Required == 1, row.Secret is not null);
        Audit.Write(username, LoginAction, username, AuditOutcomes.Succeeded,
            step switch { AccountStep.ChangePassword => "must change the password first", AccountStep.EnrolTotp => "must set up a one-time code first", _ => null }, address);
        return new LoginResult(LoginStatus.Succeeded, "signed in", access.Resolve(username), step);
    }

    /// <summary>
    /// The per-address limit and the account lock, checked and the attempt counted in one write transaction: the
    /// attempt is written as a failure before its password is checked, so parallel guesses each see the ones before
    /// them and no more than <see cref="LoginPolicy.MaxAccountFailures"/> wrong passwords are ever checked for a lock.
    /// The refusals are audited in the same transaction. Returns the attempt's row, or the refusal.
    /// </summary>
    private (long Attempt, LoginResult? Refusal) AdmitAttempt(SqliteConnection c, string username, string? address, DateTimeOffset now)
    {
        AuditEntry? refused = null;
        LoginResult? refusal = null;
        long attempt = 0;
        using (db.Writing())
        {
            using var tx = c.BeginTransaction();
            // Unknown and known names alike: neither check reveals whether the account exists.
            if (address is not null && AddressRetryAt(c, tx, address, now) is { } retry)
            {
                refused = Audit.Write(c, tx, username, LoginAction, username, AuditOutcomes.Refused, $"too many failed logins from {address}", address);
                refusal = new LoginResult(LoginStatus.Throttled, LoginPolicy.Throttled(retry), RetryAt: retry);
            }
            else if (LockedUntil(c, tx, username, now) is { } until)
            {
                refused = Audit.Write(c, tx, username, LoginAction, username, AuditOutcomes.Refused, $"account locked until {StoreTime.Format(until)}", address);
                refusal = new LoginResult(LoginStatus.Locked, LoginPolicy.Locked(username, until), RetryAt: until);
            }
            else
            {
                // Old failures count for nothing any more; keep the table small.
                c.Execute("DELETE FROM login_failures WHERE at < @old", new { old = StoreTime.Format(now - TimeSpan.FromDays(1)) }, tx);
                attempt = c.ExecuteScalar<long>("INSERT INTO login_failures(username, address, at) VALUES (@username, @address, @at); SELECT last_insert_rowid();",
                    new { username, address, at = StoreTime.Format(now) }, tx);
            }
            tx.Commit();
        }
        if (refused is not null) Audit.Publish(refused);
        return (attempt, refusal);
    }

    /// <summary>Takes back an attempt that was not a failure after all (the password was right).</summary>
    private void ForgetAttempt(SqliteConnection c, long attempt)
    {
        using (db.Writing()) c.Execute("DELETE FROM login_failures WHERE id=@attempt", new { attempt });
    }

    /// <summary>The attempt stays recorded as a failure; audits it, and the lock it started if it was the last allowed.</summary>
    private LoginResult Fail(SqliteConnection c, string username, string? address, DateTimeOffset now, string detail, string message = LoginPolicy.WrongCredentials)
    {
        Audit.Write(username, LoginAction, username, AuditOutcomes.Failed, detail, address);
        if (LockedUntil(c, null, username, now) is { } until)
        {
            // A lock ends the account's console sessions too: whoever is guessing may already be signed in elsewhere.
            using (db.Writing()) EndConsoleSessions(c, null, username);
            Audit.Write(username, LockoutAction, username, AuditOutcomes.Refused,
                $"{LoginPolicy.MaxAccountFailures} failed logins within {LoginPolicy.AccountWindow.TotalMinutes} minutes; locked until {StoreTime.Format(until)}", address);
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
        return LockedUntil(c, null, username, _time.GetUtcNow());
    }

    private static DateTimeOffset? LockedUntil(SqliteConnection c, SqliteTransaction? tx, string username, DateTimeOffset now)
    {
        var since = now - LoginPolicy.AccountWindow - LoginPolicy.LockDuration;
        var times = c.Query<string>("SELECT at FROM login_failures WHERE username=@username AND at >= @since ORDER BY at",
            new { username, since = StoreTime.Format(since) }, tx).Select(StoreTime.Parse).ToList();
        DateTimeOffset? until = null;
        for (int k = LoginPolicy.MaxAccountFailures - 1; k < times.Count; k++)
        {
            if (times[k] - times[k - LoginPolicy.MaxAccountFailures + 1] <= LoginPolicy.AccountWindow) until = times[k] + LoginPolicy.LockDuration;
        }
        return until > now ? until : null;
    }

    /// <summary>When this address may try again: once the oldest of its last 20 failures leaves the window.</summary>
    private static DateTimeOffset? AddressRetryAt(SqliteConnection c, SqliteTransaction tx, string address, DateTimeOffset now)
    {
        var times = c.Query<string>("SELECT at FROM login_failures WHERE address=@address AND at > @since ORDER BY at",
            new { address, since = StoreTime.Format(now - LoginPolicy.AddressWindow) }, tx).Select(StoreTime.Parse).ToList();
        return times.Count >= LoginPolicy.MaxAddressFailures ? times[^LoginPolicy.MaxAddressFailures] + LoginPolicy.AddressWindow : null;
    }
}
