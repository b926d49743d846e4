using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Tests;

[Collection(StoreCollection.Name)]
public sealed class MigrationsTests : IDisposable
{
    private readonly TempStore _store = new(migrate: false);

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Apply_FreshStore_ReachesCurrentVersionWithEveryTable()
    {
        using var c = _store.Db.Open();

        int version = Migrations.Apply(c);

        Assert.Equal(Migrations.CurrentVersion, version);
        var applied = c.Query<(long Version, string Name, string AppliedAt)>("SELECT version, name, applied_at FROM schema_version ORDER BY version").ToList();
        Assert.Equal(Migrations.All.Select(m => (long)m.Version), applied.Select(a => a.Version));
        Assert.Equal(Migrations.All.Select(m => m.Name), applied.Select(a => a.Name));
        Assert.All(applied, a => Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(a.AppliedAt, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(5)));
        var tables = c.Query<string>("SELECT name FROM sqlite_master WHERE type='table'").ToHashSet();
        Assert.Superset(new HashSet<string> { "users", "api_tokens", "settings", "units", "tasks", "task_events", "locks", "schema_version" }, tables);
        Assert.True(File.Exists(_store.Db.Path));
    }

    [Fact]
    public void Apply_Twice_IsANoOpAndKeepsData()
    {
        using (var c = _store.Db.Open())
        {
            Migrations.Apply(c);
            c.Execute("INSERT INTO settings(key, value) VALUES ('probe', 'kept')");
        }

        using var again = _store.Db.Open();
        int version = Migrations.Apply(again);

        Assert.Equal(Migrations.CurrentVersion, version);
        Assert.Equal(Migrations.All.Count, again.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal("kept", again.ExecuteScalar<string>("SELECT value FROM settings WHERE key='probe'"));
    }

    [Fact]
    public void Apply_StoreFromANewerStation_RefusedWithMessage()
    {
        using var c = _store.Db.Open();
        Migrations.Apply(c);
        int newer = Migrations.CurrentVersion + 1;
        c.Execute("INSERT INTO schema_version(version, name, applied_at) VALUES (@newer, 'from the future', '2030-01-01T00:00:00Z')", new { newer });

        var ex = Assert.Throws<StoreTooNewException>(() => Migrations.Apply(c));

        Assert.Equal($"this store was made by a newer station (schema {newer}, this station knows up to {Migrations.CurrentVersion}); restore a backup or upgrade the station", ex.Message);
        Assert.Equal(newer, c.ExecuteScalar<long>("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(Migrations.All.Count + 1, c.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public void Open_UsesWalAndForeignKeys()
    {
        using var c = _store.Db.Open();

        Assert.Equal("wal", c.ExecuteScalar<string>("PRAGMA journal_mode"));
        Assert.Equal(1, c.ExecuteScalar<long>("PRAGMA foreign_keys"));
    }
}
