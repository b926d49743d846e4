using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Storage;

/// <summary>
/// Schema version 7 names volumes <c>{owner}/{name}</c>: grants and held locks on a volume written as
/// <c>{owner}-{name}</c> by an older station move to the new resource, and two owners may each have a volume of one name.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class VolumeIdMigrationTests : IDisposable
{
    private readonly TempStore _store = new(migrate: false);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Upgrade_FromVersion6_RewritesVolumeGrantsAndLocks_KeepsEverythingElse()
    {
        using var c = _store.Db.Open();
        Assert.Equal(6, Migrations.Apply(c, upTo: 6));
        c.Execute("""
            INSERT INTO users(name, password_hash, is_admin, created_at) VALUES ('alice', 'x', 0, '2026-01-01T00:00:00Z'), ('a', 'x', 0, '2026-01-01T00:00:00Z'),
                ('a-b', 'x', 0, '2026-01-01T00:00:00Z'), ('carol', 'x', 0, '2026-01-01T00:00:00Z');
            INSERT INTO volumes(unit, name, owner, size_mib, mountpoint, created_at) VALUES
                ('u', 'scratch', 'alice', 64, '/mnt/v/alice/scratch', '2026-01-01T00:00:00Z'),
                ('u', 'b-c', 'a', 32, '/mnt/v/a/b-c', '2026-01-01T00:00:00Z'),
                ('u', 'c', 'a-b', 16, '/mnt/v/a-b/c', '2026-01-01T00:00:00Z');
            INSERT INTO acl(path, subject, role, created_at, created_by) VALUES
                ('/units/u/volumes/alice-scratch', 'bob', 'Operator', '2026-01-01T00:00:00Z', 'admin'),
                ('/units/u/volumes/a-b-c', '@ops', 'HelpDesk', '2026-01-01T00:00:00Z', 'admin'),
                ('/units/u/volumes/carol-old', 'dave', 'Auditor', '2026-01-01T00:00:00Z', 'admin'),
                ('/units/u/disks/sdb', 'bob', 'StorageAdmin', '2026-01-01T00:00:00Z', 'admin');
            INSERT INTO tasks(id, kind, target, owner, parameters, slot, state, created_at) VALUES
                (9, 'storage.volume.resize', 'u', 'alice', '{"owner":"alice","name":"scratch","sizeMiB":128}', 1, 'Running', '2026-01-01T00:00:00Z'),
                (10, 'storage.volume.delete', 'u', 'a', '{"owner":"a","name":"b-c"}', 2, 'Admitted', '2026-01-01T00:00:00Z'),
                (11, 'storage.volume.list', 'u', 'alice', '{}', 3, 'Admitted', '2026-01-01T00:00:00Z');
            INSERT INTO locks(task_id, resource, mode, release_stage, granted, requested_at) VALUES
                (9, '/units/u/volumes/alice-scratch', 'Exclusive', 0, 1, '2026-01-01T00:00:00Z'),
                (10, '/units/u/volumes/a-b-c', 'Exclusive', 0, 0, '2026-01-01T00:00:00Z'),
                (11, '/units/u/volumes', 'Shared', 0, 0, '2026-01-01T00:00:00Z');
            """);

        Assert.Equal(Migrations.CurrentVersion, Migrations.Apply(c));

        Assert.Equal(
            [
                ("/units/u/disks/sdb", "bob"),
                ("/units/u/volumes/a-b/c", "@ops"),
                ("/units/u/volumes/a/b-c", "@ops"),
                ("/units/u/volumes/alice/scratch", "bob"),
                ("/units/u/volumes/carol/old", "dave"),
            ],
            c.Query<(string, string)>("SELECT path, subject FROM acl WHERE path LIKE '/units/%' ORDER BY path, subject"));
        Assert.Equal(
            [(9L, "/units/u/volumes/alice/scratch"), (10L, "/units/u/volumes/a/b-c"), (11L, "/units/u/volumes")],
            c.Query<(long, string)>("SELECT task_id, resource FROM locks ORDER BY task_id"));
        Assert.Equal(
            [("u", "a", "b-c", 32L), ("u", "a-b", "c", 16L), ("u", "alice", "scratch", 64L)],
            c.Query<(string, string, string, long)>("SELECT unit, owner, name, size_mib FROM volumes ORDER BY owner, name"));

        // Two owners may each have a volume called scratch on one unit.
        c.Execute("INSERT INTO volumes(unit, name, owner, size_mib, created_at) VALUES ('u', 'scratch', 'carol', 16, '2026-01-02T00:00:00Z')");
        Assert.Equal(2, c.ExecuteScalar<long>("SELECT COUNT(*) FROM volumes WHERE unit='u' AND name='scratch'"));
        Assert.Equal(1, c.ExecuteScalar<long>("PRAGMA foreign_keys"));
    }
}
