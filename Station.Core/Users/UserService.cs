using System.Security.Cryptography;
using System.Text;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Users;

public sealed record UserView(string Username, bool IsAdmin, DateTimeOffset CreatedAt);

public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Accounts and login security: passwords (PBKDF2 with a per-user salt via ASP.NET Core's hasher),
/// lockout and per-address limits (<c>UserService.Login.cs</c>), the TOTP second factor
/// (<c>UserService.Totp.cs</c>), API bearer tokens, session and named (<c>UserService.Tokens.cs</c>),
/// console sessions (<c>UserService.Sessions.cs</c>) and password changes (<c>UserService.Passwords.cs</c>).
/// Every login and every change is audited.
/// </summary>
/// <param name="protection">The station's data-protection keys (TOTP secrets at rest); without it, the key ring under
/// <c>{DataDirectory}/keys</c> with the station's application name, the same one the station host configures.</param>
public sealed partial class UserService(StationDb db, IOptions<StationOptions> options, AccessControl access, ILogger<UserService> logger,
    TimeProvider? time = null, IDataProtectionProvider? protection = null, PasswordHashing? hashing = null)
{
    public const int MinPasswordLength = 10;
    private readonly PasswordHasher<string> _hasher = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    // Verifying against this when the user is unknown keeps the timing the same as a wrong password.
    private readonly Lazy<string> _unknownUserHash = new(() => new PasswordHasher<string>().HashPassword("", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    // Lazy: the fallback key ring is only made when a secret is first written or read.
    private readonly Lazy<TotpSecrets> _secretsHolder = new(() => new TotpSecrets(protection ?? DataProtectionProvider.Create(
        new DirectoryInfo(Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "keys")), b => b.SetApplicationName(TotpSecrets.ApplicationName))));

    private TotpSecrets Secrets => _secretsHolder.Value;

    private AuditLog Audit => access.Audit;

    /// <summary>
    /// On an empty store, creates <c>admin</c> with CCDSVM_ADMIN_PASSWORD, or with a generated password
    /// printed once that must be changed at the first login.
    /// </summary>
    public void EnsureAdmin()
    {
        using var c = db.Open();
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM users") > 0) return;
        var fromEnv = Environment.GetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD");
        bool generated = string.IsNullOrEmpty(fromEnv);
        var password = generated ? Generate() : fromEnv!;
        Insert(c, "admin", password, true, mustChangePassword: generated);
        if (generated) LogGenerated(password);
        else LogFromEnvironment();
    }

    /// <summary>
    /// Creates an account directly, for bootstrapping and tests. The REST API and the console create users
    /// through <see cref="UserAdmin"/>, as <c>auth.user</c> tasks in the task list.
    /// </summary>
    /// <param name="mustChangePassword">The user is sent to change it before anything else (a password someone else chose).</param>
    public Outcome<UserView> Create(string? username, string? password, bool isAdmin, Caller caller, bool mustChangePassword = false)
    {
        if (!caller.IsAdmin) return StationError.Forbidden("only administrators may create users");
        if (!Shared.Contracts.NameRules.IsValidUser(username))
            return StationError.BadRequest(Shared.Contracts.NameRules.UserProblem(username, "username")!);
        if (PasswordProblem(password) is { } problem) return StationError.BadRequest(problem);
        using var c = db.Open();
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM users WHERE name=@username", new { username }) > 0)
            return StationError.Conflict($"user '{username}' already exists");
        Insert(c, username, password!, isAdmin, mustChangePassword);
        return new UserView(username, isAdmin, _time.GetUtcNow());
    }

    /// <summary>
    /// Checks a password only: no lockout, no second factor, no audit. Logins go through
    /// <see cref="Login"/>; this is for re-checking someone already signed in.
    /// </summary>
    public Caller? Verify(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password)) return null;
        using var c = db.Open();
        return CheckPassword(c, username, password) ? access.Resolve(username) : null;
    }

    public Caller? Find(string username)
    {
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string Name, long IsAdmin)?>("SELECT name, is_admin FROM users WHERE name=@username", new { username });
        return row is null ? null : access.Resolve(row.Value.Name);
    }

    /// <summary>What a signed-in user must do before anything else, if anything.</summary>
    public AccountStep PendingStep(string username)
    {
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(long MustChange, long Required, string? Secret)?>(
            "SELECT must_change_password, totp_required, totp_secret FROM users WHERE name=@username", new { username });
        return row is null ? AccountStep.None : StepFor(row.Value.MustChange == 1, row.Value.Required == 1, row.Value.Secret is not null);
    }

    private static AccountStep StepFor(bool mustChange, bool totpRequired, bool totpEnabled) =>
        mustChange ? AccountStep.ChangePassword
        : totpRequired && !totpEnabled ? AccountStep.EnrolTotp
        : AccountStep.None;

    /// <summary>
    /// The password check with the same work for an unknown user as for a wrong password, and a rehash
    /// when the hasher's parameters moved on.
    /// </summary>
    private bool CheckPassword(SqliteConnection c, string username, string password)
    {
        var hash = c.QuerySingleOrDefault<string?>("SELECT password_hash FROM users WHERE name=@username", new { username });
        if (hash is null)
        {
            _hasher.VerifyHashedPassword(username, _unknownUserHash.Value, password);
            return false;
        }
        return Accept(c, username, password, _hasher.VerifyHashedPassword(username, hash, password));
    }

    /// <summary>
    /// <see cref="CheckPassword"/> with the PBKDF2 work on the <see cref="PasswordHashing"/> threads (when the station
    /// has them), so a burst of logins holds no pool thread while hashing.
    /// </summary>
    private async Task<bool> CheckPasswordAsync(SqliteConnection c, string username, string password)
    {
        if (hashing is null) return CheckPassword(c, username, password);
        var hash = c.QuerySingleOrDefault<string?>("SELECT password_hash FROM users WHERE name=@username", new { username });
        var result = await hashing.VerifyAsync(username, hash ?? _unknownUserHash.Value, password).ConfigureAwait(false);
        return hash is not null && Accept(c, username, password, result);
    }

    private bool Accept(SqliteConnection c, string username, string password, PasswordVerificationResult result)
    {
        if (result == PasswordVerificationResult.Failed) return false;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // Hashed before the write gate: nobody waits for the store while PBKDF2 runs.
            var rehashed = _hasher.HashPassword(username, password);
            using (db.Writing()) c.Execute("UPDATE users SET password_hash=@hash WHERE name=@username", new { hash = rehashed, username });
        }
        return true;
    }

    private static string? PasswordProblem(string? password) =>
        password is null || password.Length < MinPasswordLength ? $"'password' must have at least {MinPasswordLength} characters" : null;

    private void Insert(SqliteConnection c, string username, string password, bool isAdmin, bool mustChangePassword)
    {
        var now = _time.GetUtcNow();
        // The slow hash first, then the short write transaction: a write lock is never held while PBKDF2 runs.
        var hash = _hasher.HashPassword(username, password);
        using (db.Writing())
        {
        using var tx = c.BeginTransaction();
        c.Execute("INSERT INTO users(name, password_hash, is_admin, created_at, must_change_password) VALUES (@username, @hash, @admin, @now, @mustChange)",
            new { username, hash, admin = isAdmin ? 1 : 0, now = StoreTime.Format(now), mustChange = mustChangePassword ? 1 : 0 }, tx);
        // Administrators are those holding the Administrator role on "/".
        if (isAdmin) AccessControl.Grant(c, tx, "/", username, Roles.Administrator.Name, "system", now);
        tx.Commit();
        }
        access.Reload("user " + username);
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Generate(int length = 20, string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") =>
        string.Create(length, alphabet, (span, a) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
        });

    [LoggerMessage(2000, LogLevel.Warning, "Created the first account: user 'admin', password '{Password}'. It is shown only this once and must be changed at the first sign-in (the console's Account page).")]
    private partial void LogGenerated(string password);

    [LoggerMessage(2001, LogLevel.Information, "Created the first account 'admin' with the password from CCDSVM_ADMIN_PASSWORD")]
    private partial void LogFromEnvironment();
}
