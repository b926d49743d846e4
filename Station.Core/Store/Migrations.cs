using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Versioned schema scripts, applied in order at start; the applied version is kept in <c>schema_version</c>.
/// Forward only: a script is never changed or removed once released, there are no down scripts, and a store
/// whose version is newer than <see cref="CurrentVersion"/> is refused (<see cref="StoreTooNewException"/>) untouched.
/// </summary>
public static class Migrations
{
    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "users, tokens, units, tasks, events, locks", """
            CREATE TABLE users(
                name TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                is_admin INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL);
            CREATE TABLE api_tokens(
                token_hash TEXT PRIMARY KEY,
                username TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL);
            CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE units(
                id TEXT PRIMARY KEY,
                inventory TEXT NOT NULL,
                first_seen TEXT NOT NULL,
                last_seen TEXT NOT NULL,
                offline_since TEXT NULL);
            CREATE TABLE tasks(
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                target TEXT NOT NULL,
                owner TEXT NOT NULL,
                parameters TEXT NOT NULL,
                slot INTEGER NULL,
                state TEXT NOT NULL,
                progress REAL NOT NULL DEFAULT 0,
                stage TEXT NULL,
                stage_index INTEGER NOT NULL DEFAULT 0,
                stage_count INTEGER NOT NULL DEFAULT 0,
                result TEXT NULL,
                error TEXT NULL,
                dedicated_thread INTEGER NULL,
                idempotency_key TEXT NULL,
                wait_seconds REAL NULL,
                created_at TEXT NOT NULL,
                started_at TEXT NULL,
                ended_at TEXT NULL);
            CREATE UNIQUE INDEX ix_tasks_slot ON tasks(slot) WHERE slot IS NOT NULL;
            CREATE UNIQUE INDEX ix_tasks_idempotency ON tasks(owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE INDEX ix_tasks_state ON tasks(state);
            CREATE TABLE task_events(
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                task_id INTEGER NOT NULL REFERENCES tasks(id),
                at TEXT NOT NULL,
                type TEXT NOT NULL,
                state TEXT NULL,
                progress REAL NULL,
                stage TEXT NULL,
                message TEXT NULL);
            CREATE INDEX ix_task_events_task ON task_events(task_id, id);
            CREATE TABLE locks(
                task_id INTEGER NOT NULL REFERENCES tasks(id),
                resource TEXT NOT NULL,
                mode TEXT NOT NULL,
                release_stage INTEGER NOT NULL,
                granted INTEGER NOT NULL,
                requested_at TEXT NOT NULL,
                granted_at TEXT NULL,
                PRIMARY KEY(task_id, resource));
            """),
        (2, "metrics history", MetricsSchema.Sql),
        (3, "groups, acl, audit, login security, enrolment, volumes", SecuritySchema.Sql),
        (4, "last accepted TOTP step per user", "ALTER TABLE users ADD COLUMN totp_last_step INTEGER NULL;"),
        (5, "fewer pages per admission: no AUTOINCREMENT counters, locks and events keyed by task without rowid, unused indexes dropped", AdmissionPagesSchema.Sql),
        (6, "console sessions kept by the station; pending TOTP secret in the store", SessionsSchema.Sql),
        (7, "volume ids {owner}/{name}: volumes keyed by owner and name, grants and locks on volumes moved from {owner}-{name}", VolumeIdSchema.Sql),
        (8, "tasks keep the kind of their error", TaskErrorKindSchema.Sql),
        (9, "tasks keep the W3C traceparent of their submission", TraceParentSchema.Sql),
        (10, "fleet enrolment tokens: a count of units, uses so far, revocation; credentials remember their token", FleetEnrolmentSchema.Sql),
        (11, "unit tags", UnitTagsSchema.Sql),
        (12, "bulk tasks: a parent's rollout and its children", BulkSchema.Sql),
        (13, "schedules: recurring tasks and their runs", ScheduleSchema.Sql),
        (14, "notifications: each user's centre and preferences, targets, matchers, digests and the delivery log", NotificationSchema.Sql),
        (15, "network changes staged at the station", NetStagingSchema.Sql),
    ];

    public static int CurrentVersion => All[^1].Version;

    /// <summary>
    /// Applies every script newer than the store's version, each in its own transaction. Foreign keys are off
    /// while scripts run (a script may rebuild a table others refer to, SQLite's documented procedure) and each
    /// script's transaction commits only if the store has no dangling reference afterwards.
    /// </summary>
    public static int Apply(SqliteConnection connection) => Apply(connection, CurrentVersion);

    /// <summary>Applies the scripts up to <paramref name="upTo"/>: for tests that build a store as an older station left it.</summary>
    internal static int Apply(SqliteConnection connection, int upTo)
    {
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        int current = connection.ExecuteScalar<int?>("SELECT MAX(version) FROM schema_version") ?? 0;
        if (current > CurrentVersion)
            throw new StoreTooNewException(current, CurrentVersion);
        if (current >= upTo) return current;
        bool foreignKeys = connection.ExecuteScalar<long>("PRAGMA foreign_keys") == 1;
        connection.Execute("PRAGMA foreign_keys=OFF");
        try
        {
            foreach (var (version, name, sql) in All.Where(m => m.Version > current && m.Version <= upTo))
            {
                using var tx = connection.BeginTransaction();
                connection.Execute(sql, transaction: tx);
                var dangling = connection.Query<string>("SELECT \"table\" FROM pragma_foreign_key_check", transaction: tx).Distinct().ToList();
                if (dangling.Count > 0)
                    throw new InvalidOperationException($"schema version {version} ({name}) would leave rows of {string.Join(", ", dangling)} referring to rows that do not exist; the store was not changed");
                connection.Execute("INSERT INTO schema_version(version, name, applied_at) VALUES (@version, @name, @at)",
                    new { version, name, at = DateTimeOffset.UtcNow.ToString("O") }, tx);
                tx.Commit();
                current = version;
            }
        }
        finally
        {
            if (foreignKeys) connection.Execute("PRAGMA foreign_keys=ON");
        }
        return current;
    }
}
