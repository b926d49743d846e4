namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v6: console sign-in sessions kept by the station (the cookie only carries the id, so a session can
/// be listed and ended), and the TOTP secret waiting for its confirming code, kept in the store (encrypted,
/// like the confirmed one) instead of in memory.
/// </summary>
public static class SessionsSchema
{
    public const string Sql = """
        CREATE TABLE sessions(
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            device TEXT NOT NULL DEFAULT '',
            address TEXT NULL,
            started_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL);
        CREATE INDEX ix_sessions_user ON sessions(username);
        ALTER TABLE users ADD COLUMN totp_pending_secret TEXT NULL;
        ALTER TABLE users ADD COLUMN totp_pending_expires_at TEXT NULL;
        """;
}
