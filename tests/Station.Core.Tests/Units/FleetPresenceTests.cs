using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>Presence at fleet scale: units coming and going together share commits, and each event costs the same whatever the fleet's size.</summary>
[Collection(StoreCollection.Name)]
public sealed class FleetPresenceTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    private static UnitInventory Inventory(string id) => new(id, id, id + ".example", "Debian GNU/Linux 12", "6.1.0", 4, 8L << 30, [], [], ["/srv"], "test", null);

    [Fact]
    public async Task TwoThousandUnitsAnnouncingAtOnce_AreAllOnlineAndStored_InFarFewerCommitsThanUnits()
    {
        var registry = new UnitRegistry(_store.Db);
        long before = _store.Db.Group.Commits;

        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 32 }, (i, _) =>
        {
            registry.Online($"conn-{i}", Inventory($"u-{i}"), DateTimeOffset.UtcNow);
            return ValueTask.CompletedTask;
        }).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2000, registry.OnlineCount);
        using var c = _store.Db.Open();
        Assert.Equal(2000, c.ExecuteScalar<long>("SELECT COUNT(*) FROM units WHERE offline_since IS NULL AND id LIKE 'u-%'"));
        // A fresh registry (a restarted station) lists every unit, offline until it announces again.
        var restarted = new UnitRegistry(_store.Db);
        Assert.Equal((2000, 0), (restarted.All().Count(u => u.Id.StartsWith("u-", StringComparison.Ordinal)), restarted.OnlineCount));
        Assert.InRange(_store.Db.Group.Commits - before, 1, 1999);
    }

    [Fact]
    public void ASupersededConnection_GoingAway_LeavesTheUnitOnline_AndTheCountRight()
    {
        var registry = new UnitRegistry(_store.Db);
        registry.Online("conn-1", Inventory("web-1"), DateTimeOffset.UtcNow);
        registry.Online("conn-2", Inventory("web-1"), DateTimeOffset.UtcNow);
        registry.Online("conn-3", Inventory("web-2"), DateTimeOffset.UtcNow);
        Assert.Equal(2, registry.OnlineCount);

        Assert.Null(registry.Offline("conn-1", DateTimeOffset.UtcNow));
        Assert.Equal(("online", 2), (registry.View("web-1")!.Status, registry.OnlineCount));

        Assert.Equal("web-1", registry.Offline("conn-2", DateTimeOffset.UtcNow));
        Assert.Equal(("offline", 1), (registry.View("web-1")!.Status, registry.OnlineCount));
        Assert.Null(registry.Offline("conn-2", DateTimeOffset.UtcNow));
        Assert.Equal(1, registry.OnlineCount);
    }

    [Fact]
    public async Task GroupCommit_AFailingWrite_FailsOnlyItsOwnCaller()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
        {
            try
            {
                _store.Db.Group.Write((c, tx) => c.Execute(i == 7 ? "INSERT INTO no_such_table VALUES (1)" : "INSERT INTO settings(key, value) VALUES (@k, 'v')", new { k = $"k{i}" }, tx));
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(39, outcomes.Count(o => o));
        Assert.False(outcomes[7]);
        using var c = _store.Db.Open();
        Assert.Equal(39, c.ExecuteScalar<long>("SELECT COUNT(*) FROM settings WHERE key LIKE 'k%'"));
    }
}
