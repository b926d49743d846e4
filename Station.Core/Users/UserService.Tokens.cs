using System.Security.Cryptography;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;

namespace Ccdsvm.Station.Core.Users;

/// <summary>A named API token as its owner sees it: never the secret.</summary>
public sealed record ApiTokenView(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt);

/// <summary>A named token just created: the only time <paramref name="Token"/> is shown.</summary>
public sealed record CreatedApiToken(string Id, string Name, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Bearer tokens, stored only as their SHA-256: session tokens from a login (no name, short-lived) and
/// named tokens a user creates for scripts. Either authenticates as its owner, whose rights are read from
/// the ACL at each request, so a token never has more than its owner has now.
/// </summary>
public sealed partial class UserService
{
    public const int DefaultTokenDays = 90;
    public const int MaxTokenDays = 3650;
    private const int IdLength = 16;
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>A session token for a login (POST /api/v1/auth/token).</summary>
    public IssuedToken IssueToken(Caller caller)
    {
        var token = NewToken();
        var now = _time.GetUtcNow();
        var expires = now.AddMinutes(options.Value.TokenLifetimeMinutes);
        using var c = db.Open();
        using var writing = db.Writing();
        c.Execute("DELETE FROM api_tokens WHERE expires_at < @now", new { now = StoreTime.Format(now) });
        c.Execute("INSERT INTO api_tokens(token_hash, username, created_at, expires_at) VALUES (@hash, @name, @now, @expires)",
            new { hash = Sha256Hex(token), name = caller.Name, now = StoreTime.Format(now), expires = StoreTime.Format(expires) });
        return new IssuedToken(token, expires);
    }

    public Caller? ValidateToken(string? token) => CheckToken(token).Caller;

    /// <summary>The token's owner, or why it is refused: unknown or expired, or its account disabled or locked (until the lock ends).</summary>
    public CredentialCheck CheckToken(string? token)
    {
        const string unknown = "the token is unknown or expired; get a new one from POST /api/v1/auth/token";
        if (string.IsNullOrEmpty(token) || token.Length > 200) return CredentialCheck.Refused(unknown);
        var hash = Sha256Hex(token);
        var now = _time.GetUtcNow();
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string Name, string? TokenName, string? LastUsed, long Disabled)?>("""
            SELECT u.name, t.name, t.last_used_at, u.disabled FROM api_tokens t JOIN users u ON u.name = t.username
            WHERE t.token_hash=@hash AND t.expires_at > @now
            """, new { hash, now = StoreTime.Format(now) });
        if (row is null) return CredentialCheck.Refused(unknown);
        if (AccountRefusal(c, row.Value.Name, row.Value.Disabled == 1, now) is { } refusal) return CredentialCheck.Refused(refusal);
        // Named tokens show when they were last used; once a minute is precise enough and spares a write per request.
        if (row.Value.TokenName is not null && (row.Value.LastUsed is null || StoreTime.Parse(row.Value.LastUsed) < now - LastUsedResolution))
        {
            using (db.Writing()) c.Execute("UPDATE api_tokens SET last_used_at=@now WHERE token_hash=@hash", new { now = StoreTime.Format(now), hash });
        }
        return new CredentialCheck(access.Resolve(row.Value.Name), null);
    }

    public Outcome<CreatedApiToken> CreateToken(Caller caller, string? name, int? expiresInDays, string? address = null)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 64 || name.Any(char.IsControl))
            return StationError.BadRequest("'name' must be 1–64 characters, e.g. \"backup script\"");
        int days = expiresInDays ?? DefaultTokenDays;
        if (days < 1 || days > MaxTokenDays)
            return StationError.BadRequest($"'expiresInDays' must be between 1 and {MaxTokenDays} (default {DefaultTokenDays})");
        var now = _time.GetUtcNow();
        using var c = db.Open();
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM api_tokens WHERE username=@user AND name=@name AND expires_at > @now",
                new { user = caller.Name, name, now = StoreTime.Format(now) }) > 0)
            return StationError.Conflict($"you already have a token named '{name}': revoke it or choose another name");
        var token = NewToken();
        var hash = Sha256Hex(token);
        var expires = now.AddDays(days);
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        c.Execute("INSERT INTO api_tokens(token_hash, username, created_at, expires_at, name) VALUES (@hash, @user, @now, @expires, @name)",
            new { hash, user = caller.Name, now = StoreTime.Format(now), expires = StoreTime.Format(expires), name }, tx);
        var entry = Audit.Write(c, tx, caller.Name, "auth.token.create", name, AuditOutcomes.Succeeded, $"id {hash[..IdLength]}, expires {StoreTime.Format(expires)}", address);
        tx.Commit();
        Audit.Publish(entry);
        return new CreatedApiToken(hash[..IdLength], name, token, expires);
    }

    /// <summary>The caller's named tokens that have not expired (session tokens are not listed).</summary>
    public IReadOnlyList<ApiTokenView> ListTokens(Caller caller)
    {
        using var c = db.Open();
        return c.Query<(string Hash, string Name, string CreatedAt, string ExpiresAt, string? LastUsed)>("""
                SELECT token_hash, name, created_at, expires_at, last_used_at FROM api_tokens
                WHERE username=@user AND name IS NOT NULL AND expires_at > @now ORDER BY created_at, name
                """, new { user = caller.Name, now = StoreTime.Format(_time.GetUtcNow()) })
            .Select(r => new ApiTokenView(r.Hash[..IdLength], r.Name, StoreTime.Parse(r.CreatedAt), StoreTime.Parse(r.ExpiresAt),
                r.LastUsed is null ? null : StoreTime.Parse(r.LastUsed)))
            .ToList();
    }

    /// <summary>Revokes one of the caller's named tokens; it is refused from the next request on.</summary>
    public Outcome<bool> RevokeToken(Caller caller, string? id, string? address = null)
    {
        if (string.IsNullOrEmpty(id) || id.Length != IdLength || !id.All(char.IsAsciiHexDigitLower))
            return StationError.NotFound($"you have no token '{id}'");
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        var name = c.QuerySingleOrDefault<string?>("SELECT name FROM api_tokens WHERE username=@user AND name IS NOT NULL AND substr(token_hash, 1, @len)=@id",
            new { user = caller.Name, len = IdLength, id }, tx);
        if (name is null) return StationError.NotFound($"you have no token '{id}'");
        c.Execute("DELETE FROM api_tokens WHERE username=@user AND name IS NOT NULL AND substr(token_hash, 1, @len)=@id", new { user = caller.Name, len = IdLength, id }, tx);
        var entry = Audit.Write(c, tx, caller.Name, "auth.token.revoke", name, AuditOutcomes.Succeeded, $"id {id}", address);
        tx.Commit();
        Audit.Publish(entry);
        return true;
    }

    private static string NewToken() =>
        "ccd_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
