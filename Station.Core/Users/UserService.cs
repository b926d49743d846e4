using System.Security.Cryptography;
using System.Text;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Users;

public sealed record UserView(string Username, bool IsAdmin, DateTimeOffset CreatedAt);

public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Accounts, passwords (PBKDF2 with a per-user salt via ASP.NET Core's hasher) and API bearer tokens
/// (random, stored only as their SHA-256).
/// </summary>
public sealed partial class UserService(StationDb db, IOptions<StationOptions> options, AccessControl access, ILogger<UserService> logger, TimeProvider? time = null)
{
    public const int MinPasswordLength = 10;
    private readonly PasswordHasher<string> _hasher = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    // Verifying against this when the user is unknown keeps the timing the same as a wrong password.
    private readonly Lazy<string> _unknownUserHash = new(() => new PasswordHasher<string>().HashPassword("", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    /// <summary>On an empty store, creates <c>admin</c> with CCDSVM_ADMIN_PASSWORD or a generated password printed once.</summary>
    public void EnsureAdmin()
    {
        using var c = db.Open();
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM users") > 0) return;
        var fromEnv = Environment.GetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD");
        var password = string.IsNullOrEmpty(fromEnv) ? Generate() : fromEnv;
        Insert(c, "admin", password, true);
        if (string.IsNullOrEmpty(fromEnv)) LogGenerated(password);
        else LogFromEnvironment();
    }

    public Outcome<UserView> Create(string? username, string? password, bool isAdmin, Caller caller)
    {
        if (!caller.IsAdmin) return StationError.Forbidden("only administrators may create users");
        if (string.IsNullOrWhiteSpace(username) || username.Length > 64 || !username.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
            return StationError.BadRequest("'username' must be 1–64 letters, digits, '-', '_' or '.'");
        if (password is null || password.Length < MinPasswordLength)
            return StationError.BadRequest($"'password' must have at least {MinPasswordLength} characters");
        using var c = db.Open();
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM users WHERE name=@username", new { username }) > 0)
            return StationError.Conflict($"user '{username}' already exists");
        Insert(c, username, password, isAdmin);
        return new UserView(username, isAdmin, _time.GetUtcNow());
    }

    public Outcome<IReadOnlyList<UserView>> List(Caller caller)
    {
        using var c = db.Open();
        var rows = c.Query<(string Name, long IsAdmin, string CreatedAt)>("SELECT name, is_admin, created_at FROM users ORDER BY name")
            .Select(r => new UserView(r.Name, r.IsAdmin == 1, TaskStore.ParseTime(r.CreatedAt)))
            .Where(u => caller.IsAdmin || u.Username == caller.Name)
            .ToList();
        return rows;
    }

    /// <summary>Checks a password; the same answer (null) for an unknown user and a wrong password.</summary>
    public Caller? Verify(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password)) return null;
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string Name, string Hash, long IsAdmin)?>("SELECT name, password_hash, is_admin FROM users WHERE name=@username", new { username });
        if (row is null)
        {
            _hasher.VerifyHashedPassword(username, _unknownUserHash.Value, password);
            return null;
        }
        var result = _hasher.VerifyHashedPassword(username, row.Value.Hash, password);
        if (result == PasswordVerificationResult.Failed) return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
            c.Execute("UPDATE users SET password_hash=@hash WHERE name=@username", new { hash = _hasher.HashPassword(username, password), username });
        return access.Resolve(row.Value.Name);
    }

    public Caller? Find(string username)
    {
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string Name, long IsAdmin)?>("SELECT name, is_admin FROM users WHERE name=@username", new { username });
        return row is null ? null : access.Resolve(row.Value.Name);
    }

    public IssuedToken IssueToken(Caller caller)
    {
        var token = "ccd_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = _time.GetUtcNow();
        var expires = now.AddMinutes(options.Value.TokenLifetimeMinutes);
        using var c = db.Open();
        c.Execute("DELETE FROM api_tokens WHERE expires_at < @now", new { now = TaskStore.Time(now) });
        c.Execute("INSERT INTO api_tokens(token_hash, username, created_at, expires_at) VALUES (@hash, @name, @now, @expires)",
            new { hash = HashToken(token), name = caller.Name, now = TaskStore.Time(now), expires = TaskStore.Time(expires) });
        return new IssuedToken(token, expires);
    }

    public Caller? ValidateToken(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return null;
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string Name, long IsAdmin)?>("""
            SELECT u.name, u.is_admin FROM api_tokens t JOIN users u ON u.name = t.username
            WHERE t.token_hash=@hash AND t.expires_at > @now
            """, new { hash = HashToken(token), now = TaskStore.Time(_time.GetUtcNow()) });
        return row is null ? null : access.Resolve(row.Value.Name);
    }

    private void Insert(Microsoft.Data.Sqlite.SqliteConnection c, string username, string password, bool isAdmin)
    {
        var now = _time.GetUtcNow();
        using var tx = c.BeginTransaction();
        c.Execute("INSERT INTO users(name, password_hash, is_admin, created_at) VALUES (@username, @hash, @admin, @now)",
            new { username, hash = _hasher.HashPassword(username, password), admin = isAdmin ? 1 : 0, now = TaskStore.Time(now) }, tx);
        // Administrators are those holding the Administrator role on "/".
        if (isAdmin) AccessControl.Grant(c, tx, "/", username, Roles.Administrator.Name, "system", now);
        tx.Commit();
        access.Reload("user " + username);
    }

    private static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Generate()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(20, alphabet, (span, a) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
        });
    }

    [LoggerMessage(2000, LogLevel.Warning, "Created the first account: user 'admin', password '{Password}'. It is shown only this once: keep it somewhere safe.")]
    private partial void LogGenerated(string password);

    [LoggerMessage(2001, LogLevel.Information, "Created the first account 'admin' with the password from CCDSVM_ADMIN_PASSWORD")]
    private partial void LogFromEnvironment();
}
