using System.Net;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Network;

/// <summary>
/// net.configure at the station, through the real engine on a real store: its lock plan (each touched interface,
/// exclusive), the confirmation (owner or Tasks.CancelAny, only while the agent waits, sent to the agent), and the
/// refusal of a change that would remove the address the unit reaches the station from unless cutsOffUnit is set.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class NetConfigureStationTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly Caller _carol;
    private readonly Caller _bob;

    public NetConfigureStationTests()
    {
        _h.Online("a");
        using (var c = _h.Db.Open())
        {
            AccessControl.Grant(c, null, "/units/a", "carol", Roles.Administrator.Name, "test", DateTimeOffset.UtcNow);
            AccessControl.Grant(c, null, "/units/a", "bob", Roles.Auditor.Name, "test", DateTimeOffset.UtcNow);
        }
        _h.Access.Reload();
        _carol = _h.Access.Resolve("carol");
        _bob = _h.Access.Resolve("bob");
    }

    public void Dispose() => _h.Dispose();

    private static SubmitTask Change(object parameters) => new(TaskKinds.NetConfigure, "a", EngineHarness.Json(parameters));

    [Fact]
    public async Task Each_interface_the_change_touches_is_locked_exclusively_and_only_administrators_may_run_it()
    {
        var task = await _h.SubmitOk(Change(new { interfaces = new object[] { new { name = "eth0", mtu = 9000 }, new { name = "br0", bridge = new { ports = new[] { "eth1" } } } } }), _carol);

        var held = _h.View(task.Id).HeldLocks.Select(l => (l.Resource, l.Mode)).Order().ToList();
        Assert.Equal([("/units/a/network/br0", "exclusive"), ("/units/a/network/eth0", "exclusive"), ("/units/a/network/eth1", "exclusive")], held);
        var operatorRefused = await _h.SubmitRefused(Change(new { interfaces = new[] { new { name = "eth0", mtu = 9000 } } }), EngineHarness.Alice);
        Assert.Equal(StationErrorKind.Forbidden, operatorRefused.Kind);
    }

    [Fact]
    public async Task Confirm_reaches_the_agent_only_from_the_owner_or_an_administrator_while_the_agent_waits()
    {
        var confirmations = new TaskConfirmations(_h.Engine, _h.Access, _h.Dispatcher);
        var task = await _h.SubmitOk(Change(new { interfaces = new[] { new { name = "eth0", mtu = 9000 } } }), _carol);
        var now = _h.Clock.GetUtcNow();
        _h.Engine.OnStarted("a", new TaskStarted(task.Id, true, now));
        _h.Engine.OnProgress("a", new TaskProgress(task.Id, 1, 0.1, "applying", 2, 3, [], now));

        var early = await confirmations.ConfirmAsync(task.Id, _carol).WaitAsync(EngineHarness.Limit);
        Assert.Equal(StationErrorKind.Conflict, early.Error!.Kind);
        Assert.Contains("is not waiting for a confirmation", early.Error.Message, StringComparison.Ordinal);

        _h.Engine.OnProgress("a", new TaskProgress(task.Id, 2, 0.2, "waiting for confirmation (48 s left)", 3, 3, [], now));
        var notOwner = await confirmations.ConfirmAsync(task.Id, _bob).WaitAsync(EngineHarness.Limit);
        Assert.Equal(StationErrorKind.Forbidden, notOwner.Error!.Kind);
        Assert.Contains("belongs to carol", notOwner.Error.Message, StringComparison.Ordinal);
        Assert.Empty(_h.Dispatcher.Confirms);

        var kept = await confirmations.ConfirmAsync(task.Id, _carol).WaitAsync(EngineHarness.Limit);
        Assert.True(kept.Ok, kept.Error?.Message);
        Assert.Equal([("a", task.Id)], _h.Dispatcher.Confirms);

        _h.Dispatcher.Connected = false;
        var unreachable = await confirmations.ConfirmAsync(task.Id, _carol).WaitAsync(EngineHarness.Limit);
        Assert.Contains("unit 'a' is not connected", unreachable.Error!.Message, StringComparison.Ordinal);

        var other = await _h.SubmitOk(EngineHarness.Checksum("/srv/data/f.bin"), EngineHarness.Alice);
        Assert.Equal(StationErrorKind.BadRequest, (await confirmations.ConfirmAsync(other.Id, EngineHarness.Alice)).Error!.Kind);
    }

    [Fact]
    public async Task A_change_that_removes_the_address_the_unit_reaches_the_station_from_is_refused_unless_the_user_says_so()
    {
        // The harness's unit "a" holds 10.0.0.2 on eth0, and its hub connection comes from there.
        _h.Units.RecordConnectedFrom("a", IPAddress.Parse("::ffff:10.0.0.2"));

        var replaced = await _h.SubmitRefused(Change(new { interfaces = new[] { new { name = "eth0", addresses = new[] { "10.0.0.3/24" } } } }), _carol);
        Assert.Equal(StationErrorKind.Conflict, replaced.Kind);
        Assert.StartsWith("this change removes 10.0.0.2, the address unit 'a' reaches the station from: it replaces the addresses of eth0 without it.", replaced.Message, StringComparison.Ordinal);
        Assert.Contains("set cutsOffUnit: true", replaced.Message, StringComparison.Ordinal);
        var down = await _h.SubmitRefused(Change(new { interfaces = new[] { new { name = "eth0", state = "down" } } }), _carol);
        Assert.Contains("it takes eth0, which holds it, down", down.Message, StringComparison.Ordinal);
        var port = await _h.SubmitRefused(Change(new { interfaces = new[] { new { name = "br0", bridge = new { ports = new[] { "eth0" } } } } }), _carol);
        Assert.Contains("makes eth0, which holds it, a port of br0", port.Message, StringComparison.Ordinal);

        await _h.SubmitOk(Change(new { interfaces = new[] { new { name = "eth0", addresses = new[] { "10.0.0.2/24", "10.0.0.3/24" } } } }), _carol);
        await _h.SubmitOk(Change(new { interfaces = new[] { new { name = "eth1", state = "down" } } }), _carol);
        await _h.SubmitOk(Change(new { interfaces = new[] { new { name = "eth0", addresses = new[] { "10.0.0.3/24" } } }, cutsOffUnit = true }), _carol);
    }
}
