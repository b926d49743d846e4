using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Network;

/// <summary>
/// The duplicate-address lookup over the fleet, on a real store through the real engine: a unit's latest net.inventory
/// that succeeded is where its addresses are, else what its agent announced; the same address matches whatever its
/// prefix, the unit's own and loopback addresses never do; it survives a restart (read from the store); and a
/// net.configure with an address another unit carries is admitted with a warning in its record, not refused.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class NetAddressBookTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);

    public NetAddressBookTests()
    {
        // The harness's units announce eth0 with 10.0.0.2 each.
        _h.Online("a");
        _h.Online("b");
        using (var c = _h.Db.Open())
        {
            AccessControl.Grant(c, null, "/units/a", "carol", Roles.Administrator.Name, "test", DateTimeOffset.UtcNow);
            // Frank may configure unit a and sees no other unit.
            AccessControl.Grant(c, null, "/units/a", "frank", Roles.Administrator.Name, "test", DateTimeOffset.UtcNow);
        }
        _h.Access.Reload();
    }

    public void Dispose() => _h.Dispose();

    private NetAddressBook Book => new(_h.Db, _h.Units);

    /// <summary>Runs net.inventory on the unit to its end through the engine, as the agent would report it.</summary>
    private async Task ReadNetwork(string unit, NetInventoryResult reading, bool succeeds = true)
    {
        var task = await _h.SubmitOk(new SubmitTask(TaskKinds.NetInventory, unit, EngineHarness.Json(new { })));
        var now = _h.Clock.GetUtcNow();
        _h.Engine.OnStarted(unit, new TaskStarted(task.Id, false, now));
        await _h.Engine.OnResultAsync(unit, new TaskResult(task.Id, succeeds ? TaskOutcome.Succeeded : TaskOutcome.Failed,
            succeeds ? NetInventory.Contract.WriteResult(reading) : null, succeeds ? null : "ip: not found", now)).WaitAsync(EngineHarness.Limit);
        Assert.Equal(succeeds ? TaskStateNames.Succeeded : TaskStateNames.Failed, _h.View(task.Id).State);
    }

    private static NetInventoryResult Reading(params NetInterface[] interfaces) => new(interfaces, [], [], "runtime");

    private static NetInterface Interface(string name, params (string Address, int Prefix)[] addresses) =>
        new(name, "up", null, 1500, null, null, null, null, null, null,
            [.. addresses.Select(a => new NetAddress(a.Address.Contains(':', StringComparison.Ordinal) ? "inet6" : "inet", a.Address, a.Prefix, "global"))]);

    [Fact]
    public void Without_a_reading_the_announced_interfaces_are_where_the_units_addresses_are()
    {
        var dup = Assert.Single(Book.Read().Duplicates("a", ["10.0.0.2/16", "10.0.0.3/24", "not an address"]));

        Assert.Equal(("b", "eth0", "10.0.0.2/16"), (dup.Holder.Unit, dup.Holder.Interface, dup.Desired));
        Assert.Equal("10.0.0.2 is already on unit 'b', interface eth0", dup.Text);
    }

    [Fact]
    public async Task The_latest_reading_that_succeeded_replaces_the_announcement_and_is_read_again_from_the_store_after_a_restart()
    {
        await ReadNetwork("b", Reading(Interface("eth0", ("10.0.0.8", 24)), Interface("lo", ("127.0.0.1", 8))));
        await ReadNetwork("b", Reading(Interface("eth0", ("10.0.0.9", 24)), Interface("br0", ("2001:db8::9", 64))));
        await ReadNetwork("b", Reading(Interface("eth0", ("10.0.0.77", 24))), succeeds: false);

        void Check(FleetAddresses fleet)
        {
            Assert.Empty(fleet.Duplicates("a", ["10.0.0.2/24", "10.0.0.8/24", "127.0.0.1/8"]));
            var found = fleet.Duplicates("a", ["10.0.0.9/16", "2001:DB8:0::9/48"]);
            Assert.Equal([("b", "eth0", "10.0.0.9/16"), ("b", "br0", "2001:DB8:0::9/48")], found.Select(d => (d.Holder.Unit, d.Holder.Interface, d.Desired)));
            // Its own addresses are never a duplicate of a unit.
            Assert.Empty(fleet.Duplicates("b", ["10.0.0.9/24"]));
            // The announcement still speaks for a unit that has no reading.
            Assert.Equal("a", Assert.Single(fleet.Duplicates("b", ["10.0.0.2/24"])).Holder.Unit);
        }

        Check(Book.Read());
        _h.Restart();
        Check(Book.Read());
        Assert.Empty(Book.Read(unit => unit != "b").Duplicates("a", ["10.0.0.9/24"]));
    }

    [Fact]
    public async Task A_change_to_an_address_another_unit_carries_is_admitted_with_a_warning_in_its_record()
    {
        await ReadNetwork("b", Reading(Interface("eth1", ("192.0.2.7", 24))));
        var carol = _h.Access.Resolve("carol");

        var warned = await _h.SubmitOk(new SubmitTask(TaskKinds.NetConfigure, "a",
            EngineHarness.Json(new { interfaces = new[] { new { name = "eth0", addresses = new[] { "10.0.0.2/24", "192.0.2.7/25" } } } })), carol);
        var clean = await _h.SubmitOk(new SubmitTask(TaskKinds.NetConfigure, "a",
            EngineHarness.Json(new { interfaces = new[] { new { name = "eth1", addresses = new[] { "192.0.2.8/24" } } } })), carol);

        var events = _h.Engine.Events(warned.Id, carol).Value!;
        Assert.Equal(["submitted", TaskStore.WarningEvent], events.Take(2).Select(e => e.Type));
        Assert.Equal("duplicate address: 192.0.2.7 is already on unit 'b', interface eth1", events[1].Message);
        Assert.DoesNotContain(_h.Engine.Events(clean.Id, carol).Value!, e => e.Type == TaskStore.WarningEvent);

        // Frank may configure unit a but not see unit b: he is warned without being told which unit carries it.
        var frank = _h.Access.Resolve("frank");
        Assert.False(_h.Access.CanSeeUnit(frank, "b"));
        var byFrank = await _h.SubmitOk(new SubmitTask(TaskKinds.NetConfigure, "a",
            EngineHarness.Json(new { interfaces = new[] { new { name = "eth0", addresses = new[] { "192.0.2.7/24" } } } })), frank);
        Assert.Equal("duplicate address: 192.0.2.7 is already on another unit, one you may not see",
            _h.Engine.Events(byFrank.Id, frank).Value!.Single(e => e.Type == TaskStore.WarningEvent).Message);
    }
}
