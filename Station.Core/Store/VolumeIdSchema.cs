namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v7: a volume's id becomes <c>{owner}/{name}</c> (its resource <c>/units/{unit}/volumes/{owner}/{name}</c>)
/// instead of <c>{owner}-{name}</c>, which made owner <c>a</c>'s volume <c>b-c</c> and owner <c>a-b</c>'s volume
/// <c>c</c> one resource.
/// <list type="bullet">
/// <item><c>volumes</c> is keyed by (unit, owner, name), so two owners may each have a volume of one name.</item>
/// <item>Grants on an old volume resource (or below it) move to the new one. The old id is read back through
/// the volumes the station knows; failing that, through the one user whose name and a '-' begin it. An old id
/// that names two known volumes was one resource for both, so its grant goes to both, as it acted before. A
/// grant no volume or user explains is left as it was.</item>
/// <item>Locks that volume tasks hold or wait for are rewritten from the task's own owner and name; other locks
/// on an old volume resource (a maintenance hold) move like grants, where the old id is unambiguous.</item>
/// </list>
/// The audit log keeps the resources as they were written.
/// </summary>
internal static class VolumeIdSchema
{
    public const string Sql = """
        CREATE TABLE volumes_v7(
            unit TEXT NOT NULL,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            size_mib INTEGER NOT NULL,
            mountpoint TEXT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY(unit, owner, name)) WITHOUT ROWID;
        INSERT INTO volumes_v7(unit, owner, name, size_mib, mountpoint, created_at)
            SELECT unit, owner, name, size_mib, mountpoint, created_at FROM volumes;
        DROP TABLE volumes;
        ALTER TABLE volumes_v7 RENAME TO volumes;
        CREATE INDEX ix_volumes_owner ON volumes(owner);

        CREATE TEMP TABLE volume_ids_v7(old TEXT NOT NULL, new TEXT NOT NULL);
        INSERT INTO volume_ids_v7(old, new)
            SELECT '/units/' || unit || '/volumes/' || owner || '-' || name, '/units/' || unit || '/volumes/' || owner || '/' || name FROM volumes;
        INSERT INTO volume_ids_v7(old, new)
            WITH segments AS (
                SELECT DISTINCT substr(path, 8, instr(substr(path, 8), '/') - 1) AS unit,
                       substr(path, 8 + instr(substr(path, 8), '/') + 8) AS rest
                FROM acl
                WHERE path LIKE '/units/%/volumes/%'
                  AND substr(substr(path, 8), instr(substr(path, 8), '/') + 1, 8) = 'volumes/'),
            ids AS (
                SELECT DISTINCT unit, CASE instr(rest, '/') WHEN 0 THEN rest ELSE substr(rest, 1, instr(rest, '/') - 1) END AS id
                FROM segments WHERE rest <> ''),
            unknown AS (
                SELECT unit, id FROM ids
                WHERE instr(id, '-') > 0 AND NOT EXISTS (SELECT 1 FROM volume_ids_v7 m WHERE m.old = '/units/' || ids.unit || '/volumes/' || ids.id)),
            owners AS (
                SELECT k.unit, k.id, u.name AS owner FROM unknown k
                JOIN users u ON length(k.id) > length(u.name) + 1 AND substr(k.id, 1, length(u.name) + 1) = u.name || '-')
            SELECT '/units/' || unit || '/volumes/' || id, '/units/' || unit || '/volumes/' || owner || '/' || substr(id, length(owner) + 2)
            FROM owners o WHERE (SELECT COUNT(*) FROM owners x WHERE x.unit = o.unit AND x.id = o.id) = 1;

        CREATE TEMP TABLE acl_moved_v7 AS
            SELECT m.new || substr(a.path, length(m.old) + 1) AS path, a.subject, a.role, a.created_at, a.created_by
            FROM acl a JOIN volume_ids_v7 m ON a.path = m.old OR substr(a.path, 1, length(m.old) + 1) = m.old || '/';
        DELETE FROM acl WHERE EXISTS (SELECT 1 FROM volume_ids_v7 m WHERE acl.path = m.old OR substr(acl.path, 1, length(m.old) + 1) = m.old || '/');
        INSERT OR IGNORE INTO acl(path, subject, role, created_at, created_by) SELECT path, subject, role, created_at, created_by FROM acl_moved_v7;

        UPDATE locks SET resource = '/units/' || t.target || '/volumes/' || json_extract(t.parameters, '$.owner') || '/' || json_extract(t.parameters, '$.name')
            FROM tasks t
            WHERE t.id = locks.task_id
              AND t.kind IN ('storage.volume.create', 'storage.volume.resize', 'storage.volume.delete')
              AND locks.resource = '/units/' || t.target || '/volumes/' || json_extract(t.parameters, '$.owner') || '-' || json_extract(t.parameters, '$.name');
        UPDATE locks SET resource = m.new || substr(locks.resource, length(m.old) + 1)
            FROM volume_ids_v7 m
            WHERE (locks.resource = m.old OR substr(locks.resource, 1, length(m.old) + 1) = m.old || '/')
              AND (SELECT COUNT(*) FROM volume_ids_v7 x WHERE x.old = m.old) = 1
              AND locks.task_id NOT IN (SELECT id FROM tasks WHERE kind IN ('storage.volume.create', 'storage.volume.resize', 'storage.volume.delete'));

        DROP TABLE acl_moved_v7;
        DROP TABLE volume_ids_v7;
        """;
}
