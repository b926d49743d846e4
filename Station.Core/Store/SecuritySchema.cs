namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v3: groups, the ACL (roles granted to users or groups on paths), the append-only audit log,
/// login security (lockout, TOTP, recovery codes, named API tokens), agent enrolment and unit credentials,
/// and user-owned volumes with quotas.
/// </summary>
public static class SecuritySchema
{
    public const string Sql = """
        CREATE TABLE groups(
            name TEXT PRIMARY KEY,
            description TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL);
        CREATE TABLE group_members(
            group_name TEXT NOT NULL REFERENCES groups(name) ON DELETE CASCADE,
            username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            PRIMARY KEY(group_name, username));
        CREATE TABLE acl(
            path TEXT NOT NULL,
            subject TEXT NOT NULL,
            role TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            PRIMARY KEY(path, subject, role));
        INSERT INTO acl(path, subject, role, created_at, created_by)
            SELECT '/', name, 'Administrator', created_at, 'migration' FROM users WHERE is_admin = 1;

        CREATE TABLE audit(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL,
            detail TEXT NULL,
            address TEXT NULL);
        CREATE INDEX ix_audit_actor ON audit(actor, id);
        CREATE INDEX ix_audit_action ON audit(action, id);
        CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

        ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN totp_secret TEXT NULL;
        ALTER TABLE users ADD COLUMN totp_required INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN quota_mib INTEGER NULL;
        ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE login_failures(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL,
            address TEXT NULL,
            at TEXT NOT NULL);
        CREATE INDEX ix_login_failures_user ON login_failures(username, at);
        CREATE INDEX ix_login_failures_address ON login_failures(address, at);
        CREATE TABLE recovery_codes(
            username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            code_hash TEXT NOT NULL,
            used_at TEXT NULL,
            PRIMARY KEY(username, code_hash));
        ALTER TABLE api_tokens ADD COLUMN name TEXT NULL;
        ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT NULL;

        CREATE TABLE enrolment_tokens(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            token_hash TEXT NOT NULL UNIQUE,
            note TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT NULL,
            used_by_unit TEXT NULL);
        CREATE TABLE unit_credentials(
            unit TEXT PRIMARY KEY,
            credential_hash TEXT NOT NULL,
            enrolled_at TEXT NOT NULL,
            revoked_at TEXT NULL,
            revoked_by TEXT NULL);

        CREATE TABLE volumes(
            unit TEXT NOT NULL,
            name TEXT NOT NULL,
            owner TEXT NOT NULL,
            size_mib INTEGER NOT NULL,
            mountpoint TEXT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY(unit, name));
        CREATE INDEX ix_volumes_owner ON volumes(owner);
        """;
}
