namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v14: notifications. <c>notifications</c> is each user's centre (one row per user and event, <c>key</c> names the
/// event so it is stored once however often it is heard); <c>notification_prefs</c> what each user wants besides failures.
/// <c>notification_targets</c> are webhooks and SMTP servers (their secret encrypted with the station's data-protection keys),
/// <c>notification_matchers</c> route events to targets, <c>notification_digest</c> holds events waiting for an hourly or
/// daily digest, and <c>notification_deliveries</c> is the log of every delivery attempt.
/// </summary>
internal static class NotificationSchema
{
    public const string Sql = """
        CREATE TABLE notifications(
            id INTEGER PRIMARY KEY,
            user TEXT NOT NULL,
            key TEXT NOT NULL,
            type TEXT NOT NULL,
            severity TEXT NOT NULL,
            title TEXT NOT NULL,
            message TEXT NOT NULL,
            at TEXT NOT NULL,
            read INTEGER NOT NULL DEFAULT 0,
            task_id INTEGER NULL,
            unit TEXT NULL);
        CREATE UNIQUE INDEX notifications_by_key ON notifications(user, key);
        CREATE INDEX notifications_by_user ON notifications(user, id);
        CREATE TABLE notification_prefs(
            user TEXT PRIMARY KEY,
            task_succeeded INTEGER NOT NULL,
            bulk_ended INTEGER NOT NULL,
            unit_status INTEGER NOT NULL,
            alerts INTEGER NOT NULL);
        CREATE TABLE notification_targets(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            config TEXT NOT NULL,
            secret TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE notification_matchers(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            enabled INTEGER NOT NULL,
            definition TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE notification_digest(
            id INTEGER PRIMARY KEY,
            matcher_id INTEGER NOT NULL,
            target_id INTEGER NOT NULL,
            event TEXT NOT NULL,
            at TEXT NOT NULL);
        CREATE INDEX notification_digest_by_target ON notification_digest(matcher_id, target_id, id);
        CREATE TABLE notification_deliveries(
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            target_id INTEGER NOT NULL,
            target_name TEXT NOT NULL,
            event_type TEXT NOT NULL,
            title TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            result TEXT NOT NULL,
            status INTEGER NULL,
            error TEXT NULL);
        """;
}
