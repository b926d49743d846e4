using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Tests;

public sealed class MigrationsTests
{
    [Fact]
    public void FreshStore_ReachesTheCurrentVersion_AndApplyingAgainChangesNothing()
    {
        using var store = new TempStore();
        using var c = store.Db.Open();
        Assert.Equal(Migrations.CurrentVersion, c.ExecuteScalar<long>("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(Migrations.CurrentVersion, Migrations.Apply(c));
        Assert.Equal(Migrations.All.Count, c.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal("wal", c.ExecuteScalar<string>("PRAGMA journal_mode"));
        foreach (var table in new[] { "users", "tasks", "task_events", "locks", "units", "settings" })
            Assert.Equal(1, c.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name=@table", new { table }));
    }

    [Fact]
    public void StoreFromANewerStation_IsRefusedWithAMessage()
    {
        using var store = new TempStore();
        using var c = store.Db.Open();
        c.Execute("INSERT INTO schema_version(version, name, applied_at) VALUES (999, 'future', 'now')");
        var ex = Assert.Throws<InvalidOperationException>(() => Migrations.Apply(c));
        Assert.Contains("newer than this station", ex.Message);
    }
}
