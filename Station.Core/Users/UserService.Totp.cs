using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Users;

/// <summary>A secret generated for enrolment, shown once as a QR code and as text until it is confirmed.</summary>
public sealed record TotpEnrolment(string Secret, string KeyUri, DateTimeOffset ExpiresAt);

public sealed record TotpStatus(bool Enabled, bool Required, int RecoveryCodesLeft);

/// <summary>
/// The optional second factor: RFC 6238 codes (see <see cref="Totp"/>) and ten one-time recovery codes
/// stored as hashes. A secret becomes active only after the person proves, with one current code, that
/// their app holds it. Secrets, pending and confirmed, are kept encrypted (<see cref="TotpSecrets"/>).
/// </summary>
public sealed partial class UserService
{
    public const string Issuer = "CCDSVM";
    public const int RecoveryCodeCount = 10;
    private static readonly TimeSpan EnrolmentLifetime = TimeSpan.FromMinutes(10);

    private enum SecondFactor { Code, RecoveryCode }

    public TotpStatus TotpStatusOf(Caller caller)
    {
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string? Secret, long Required)?>("SELECT totp_secret, totp_required FROM users WHERE name=@name", new { name = caller.Name });
        return row is null ? new TotpStatus(false, false, 0) : new TotpStatus(row.Value.Secret is not null, row.Value.Required == 1, RecoveryCodesLeft(c, caller.Name));
    }

    /// <summary>
    /// Generates a new secret for the caller; it is not used until <see cref="ConfirmTotp"/>. It waits in the
    /// store, encrypted, so a station restart in between does not lose it.
    /// </summary>
    public Outcome<TotpEnrolment> BeginTotp(Caller caller)
    {
        if (TotpStatusOf(caller).Enabled)
            return StationError.Conflict("a one-time code is already set up for your account; disable it first to enrol another device");
        var secret = Totp.NewSecret();
        var enrolment = new TotpEnrolment(secret, Totp.KeyUri(Issuer, caller.Name, secret), _time.GetUtcNow() + EnrolmentLifetime);
        using var c = db.Open();
        using var writing = db.Writing();
        if (c.Execute("UPDATE users SET totp_pending_secret=@secret, totp_pending_expires_at=@expires WHERE name=@name",
                new { secret = Secrets.Protect(caller.Name, secret), expires = StoreTime.Format(enrolment.ExpiresAt), name = caller.Name }) == 0)
            return StationError.NotFound($"there is no user '{caller.Name}'");
        return enrolment;
    }

    /// <summary>Turns the pending secret on once a current code matches; returns the recovery codes, shown only now.</summary>
    public Outcome<IReadOnlyList<string>> ConfirmTotp(Caller caller, string? code, string? address = null)
    {
        var now = _time.GetUtcNow();
        using var c = db.Open();
        var pending = c.QuerySingleOrDefault<(string? Secret, string? ExpiresAt)?>(
            "SELECT totp_pending_secret, totp_pending_expires_at FROM users WHERE name=@name", new { name = caller.Name });
        if (pending is not { Secret: { } stored, ExpiresAt: { } expiresAt } || StoreTime.Parse(expiresAt) <= now)
            return StationError.BadRequest("there is no one-time code set-up in progress (or it is older than 10 minutes): start it again");
        if (UnprotectSecret(caller.Name, stored) is not { } secret)
            return StationError.BadRequest("the station can no longer read the secret of this set-up (its data-protection keys changed): start it again");
        if (Totp.MatchStep(Base32.Decode(secret), code, now) is not { } step)
        {
            Audit.Write(caller.Name, "auth.totp.enrol", caller.Name, AuditOutcomes.Failed, "the confirming code did not match", address);
            return StationError.BadRequest("that code does not match: type the 6 digits your app shows now (check that the phone's clock is right)");
        }
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        using (db.Writing())
        using (var tx = c.BeginTransaction())
        {
            c.Execute("UPDATE users SET totp_secret=@secret, totp_last_step=@step, totp_pending_secret=NULL, totp_pending_expires_at=NULL WHERE name=@name",
                new { secret = stored, name = caller.Name, step }, tx);
            c.Execute("DELETE FROM recovery_codes WHERE username=@name", new { name = caller.Name }, tx);
            foreach (var code2 in codes)
                c.Execute("INSERT INTO recovery_codes(username, code_hash) VALUES (@name, @hash)", new { name = caller.Name, hash = RecoveryHash(caller.Name, code2) }, tx);
            var entry = Audit.Write(c, tx, caller.Name, "auth.totp.enrol", caller.Name, AuditOutcomes.Succeeded, $"{RecoveryCodeCount} recovery codes issued", address);
            tx.Commit();
            Audit.Publish(entry);
        }
        return codes;
    }

    /// <summary>Turns the caller's second factor off; needs a current code (or a recovery code).</summary>
    public Outcome<bool> DisableTotp(Caller caller, string? code, string? address = null)
    {
        using var c = db.Open();
        var secret = c.QuerySingleOrDefault<string?>("SELECT totp_secret FROM users WHERE name=@name", new { name = caller.Name });
        if (secret is null) return StationError.Conflict("no one-time code is set up for your account");
        if (CheckSecondFactor(c, caller.Name, secret, code, _time.GetUtcNow()) is null)
        {
            Audit.Write(caller.Name, "auth.totp.disable", caller.Name, AuditOutcomes.Failed, "wrong or reused code", address);
            return StationError.BadRequest(LoginPolicy.WrongCode);
        }
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        c.Execute("UPDATE users SET totp_secret=NULL WHERE name=@name", new { name = caller.Name }, tx);
        c.Execute("DELETE FROM recovery_codes WHERE username=@name", new { name = caller.Name }, tx);
        var entry = Audit.Write(c, tx, caller.Name, "auth.totp.disable", caller.Name, AuditOutcomes.Succeeded, null, address);
        tx.Commit();
        Audit.Publish(entry);
        return true;
    }

    /// <summary>An administrator requires (or stops requiring) a second factor for a user.</summary>
    public Outcome<bool> SetTotpRequired(Caller caller, string? username, bool required, string? address = null)
    {
        if (!caller.IsAdmin)
        {
            Audit.Write(caller.Name, "auth.totp.required", username ?? "", AuditOutcomes.Refused, "not an administrator", address);
            return StationError.Forbidden("only administrators may require a one-time code for a user");
        }
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        if (c.Execute("UPDATE users SET totp_required=@required WHERE name=@username", new { required = required ? 1 : 0, username }, tx) == 0)
            return StationError.NotFound($"there is no user '{username}'");
        var entry = Audit.Write(c, tx, caller.Name, "auth.totp.required", username!, AuditOutcomes.Succeeded, required ? "required" : "optional", address);
        tx.Commit();
        Audit.Publish(entry);
        return required;
    }

    /// <summary>Which factor matched, or null. A TOTP step is accepted once and never an older one after it.</summary>
    private SecondFactor? CheckSecondFactor(SqliteConnection c, string username, string storedSecret, string? code, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        var digits = code.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length == Totp.Digits && digits.All(char.IsAsciiDigit))
        {
            if (UnprotectSecret(username, storedSecret) is not { } secret) return null;
            if (Totp.MatchStep(Base32.Decode(secret), digits, now) is not { } step) return null;
            // Kept in the store, so a code already used stays used across a station restart.
            int accepted;
            using (db.Writing()) accepted = c.Execute("UPDATE users SET totp_last_step=@step WHERE name=@username AND (totp_last_step IS NULL OR totp_last_step < @step)",
                new { step, username });
            return accepted == 1 ? SecondFactor.Code : null;
        }
        int used;
        using (db.Writing()) used = c.Execute("UPDATE recovery_codes SET used_at=@now WHERE username=@username AND code_hash=@hash AND used_at IS NULL",
            new { now = StoreTime.Format(now), username, hash = RecoveryHash(username, code) });
        return used == 1 ? SecondFactor.RecoveryCode : null;
    }

    private static int RecoveryCodesLeft(SqliteConnection c, string username) =>
        (int)c.ExecuteScalar<long>("SELECT COUNT(*) FROM recovery_codes WHERE username=@username AND used_at IS NULL", new { username });

    // 10 characters of a 31-letter alphabet: about 50 bits each, so a plain salted SHA-256 is enough (no slow hash per login).
    private static string NewRecoveryCode()
    {
        var raw = Generate(10, "abcdefghjkmnpqrstuvwxyz23456789");
        return raw[..5] + "-" + raw[5..];
    }

    private static string RecoveryHash(string username, string code) =>
        Sha256Hex(username + ":" + new string(code.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray()));

    private string? UnprotectSecret(string username, string stored)
    {
        var secret = Secrets.Unprotect(username, stored);
        if (secret is null) LogSecretUnreadable(username);
        return secret;
    }

    /// <summary>
    /// Encrypts TOTP secrets an older station left in plain text; run once at start, after the store's
    /// migrations. Returns how many it encrypted.
    /// </summary>
    public int ProtectStoredSecrets()
    {
        using var c = db.Open();
        // The plain text must not linger in freed space of the page or in the write-ahead log.
        c.Execute("PRAGMA secure_delete=ON");
        using var tx = c.BeginTransaction();
        var plain = c.Query<(string Name, string? Secret, string? Pending)>(
            "SELECT name, totp_secret, totp_pending_secret FROM users WHERE totp_secret NOT LIKE 'dp1:%' OR totp_pending_secret NOT LIKE 'dp1:%'", transaction: tx).ToList();
        foreach (var (name, secret, pending) in plain)
        {
            c.Execute("UPDATE users SET totp_secret=@secret, totp_pending_secret=@pending WHERE name=@name", new
            {
                name,
                secret = secret is null || TotpSecrets.IsProtected(secret) ? secret : Secrets.Protect(name, secret),
                pending = pending is null || TotpSecrets.IsProtected(pending) ? pending : Secrets.Protect(name, pending),
            }, tx);
        }
        tx.Commit();
        if (plain.Count == 0) return 0;
        c.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        LogSecretsProtected(plain.Count);
        return plain.Count;
    }

    [LoggerMessage(2020, LogLevel.Error, "The TOTP secret of '{Username}' cannot be decrypted: the data-protection keys under the data directory's 'keys' folder were lost or replaced. Restore them, or have the user's one-time code disabled and set up again.")]
    private partial void LogSecretUnreadable(string username);

    [LoggerMessage(2021, LogLevel.Information, "Encrypted {Count} TOTP secrets that an older station had stored in plain text")]
    private partial void LogSecretsProtected(int count);
}
