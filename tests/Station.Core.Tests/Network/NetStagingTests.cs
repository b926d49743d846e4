using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Network;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Network;

/// <summary>
/// Staged network changes through the real engine on a real store: bad parameters are refused naming the field and
/// nothing is kept; a staged change is listed per unit, applied as a net.configure task (then gone from the list) or
/// discarded; who may not configure the unit's network can neither stage nor see.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class NetStagingTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly NetStaging _staging;
    private readonly Caller _carol;

    public NetStagingTests()
    {
        _h.Online("a");
        _h.Online("b");
        using (var c = _h.Db.Open())
            AccessControl.Grant(c, null, "/units/a", "carol", Roles.Administrator.Name, "test", DateTimeOffset.UtcNow);
        _h.Access.Reload();
        _carol = _h.Access.Resolve("carol");
        _staging = Restarted();
    }

    public void Dispose() => _h.Dispose();

    /// <summary>A staging as a station (re)started on this store makes it.</summary>
    private NetStaging Restarted() => new(_h.Engine, new TaskKindCatalog(), _h.Access, _h.Units, _h.Db, _h.Clock);

    [Fact]
    public async Task A_staged_change_is_listed_then_applied_as_a_task_or_discarded()
    {
        var bad = _staging.Stage(_carol, "a", EngineHarness.Json(new { interfaces = new[] { new { name = "eth0", mtu = 70000 } } }));
        Assert.Equal(StationErrorKind.BadRequest, bad.Error!.Kind);
        Assert.Contains("mtu", bad.Error.Message, StringComparison.Ordinal);
        Assert.Empty(_staging.List(_carol, "a").Value!);

        var first = _staging.Stage(_carol, "a", EngineHarness.Json(new { interfaces = new[] { new { name = "eth0", mtu = 9000 } } })).Value!;
        var second = _staging.Stage(_carol, "a", EngineHarness.Json(new { interfaces = new[] { new { name = "eth1", state = "down" } } })).Value!;
        Assert.Equal([first.Id, second.Id], _staging.List(_carol, "a").Value!.Select(s => s.Id));
        Assert.Equal(("carol", 9000), (first.StagedBy, first.Parameters.Interfaces[0].Mtu));

        Assert.Equal(StationErrorKind.NotFound, (await _staging.ApplyAsync(_carol, first.Id, unit: "b").WaitAsync(EngineHarness.Limit)).Error!.Kind);
        var applied = await _staging.ApplyAsync(_carol, first.Id).WaitAsync(EngineHarness.Limit);

        Assert.True(applied.Ok, applied.Error?.Message);
        Assert.Equal((TaskKinds.NetConfigure, "a", "carol"), (applied.Value!.Kind, applied.Value.Target, applied.Value.Owner));
        Assert.Equal(9000, NetConfigure.Contract.Read(applied.Value.Parameters!.Value).Interfaces[0].Mtu);
        Assert.Equal([second.Id], _staging.List(_carol, "a").Value!.Select(s => s.Id));

        Assert.True(_staging.Discard(_carol, second.Id).Ok);
        Assert.Empty(_staging.List(_carol, "a").Value!);
        Assert.Equal(StationErrorKind.NotFound, _staging.Discard(_carol, second.Id).Error!.Kind);
    }

    [Fact]
    public void Who_may_not_configure_the_units_network_can_neither_stage_nor_list()
    {
        var change = EngineHarness.Json(new { interfaces = new[] { new { name = "eth0", mtu = 9000 } } });
        _staging.Stage(_carol, "a", change);

        Assert.Equal(StationErrorKind.Forbidden, _staging.Stage(EngineHarness.Alice, "a", change).Error!.Kind);
        Assert.Equal(StationErrorKind.Forbidden, _staging.List(EngineHarness.Alice, "a").Error!.Kind);
        Assert.Equal(StationErrorKind.NotFound, _staging.Stage(_carol, "nope", change).Error!.Kind);
        Assert.Equal(StationErrorKind.BadRequest, _staging.Stage(_carol, "a", EngineHarness.Json(new[] { 1 })).Error!.Kind);
    }

    [Fact]
    public async Task A_station_restart_keeps_what_was_staged_and_forgets_what_was_applied_or_discarded()
    {
        var heard = new List<string>();
        using var watch = _staging.Changes.Subscribe(heard.Add);
        StagedNetChange Stage(string name, int mtu) =>
            _staging.Stage(_carol, "a", EngineHarness.Json(new { interfaces = new[] { new { name, mtu } }, rollbackSeconds = 120 })).Value!;
        var kept = Stage("eth0", 9000);
        var applied = Stage("eth1", 1400);
        var discarded = Stage("eth2", 1280);
        Assert.True((await _staging.ApplyAsync(_carol, applied.Id).WaitAsync(EngineHarness.Limit)).Ok);
        Assert.True(_staging.Discard(_carol, discarded.Id).Ok);
        Assert.Equal(["a", "a", "a", "a", "a"], heard);

        var after = Restarted();

        var left = Assert.Single(after.List(_carol, "a").Value!);
        Assert.Equal((kept.Id, "carol", kept.StagedAt, 9000, 120), (left.Id, left.StagedBy, left.StagedAt, left.Parameters.Interfaces[0].Mtu, left.Parameters.RollbackSeconds));
        Assert.Equal("eth0", left.Parameters.Interfaces[0].Name);
        // Ids are never used twice, also across a restart: an old link to a discarded change cannot reach a new one.
        var next = after.Stage(_carol, "a", EngineHarness.Json(new { interfaces = new[] { new { name = "eth3", mtu = 1500 } } })).Value!;
        Assert.True(next.Id > discarded.Id);
        Assert.Equal(StationErrorKind.NotFound, after.Discard(_carol, discarded.Id).Error!.Kind);
        Assert.True((await after.ApplyAsync(_carol, kept.Id).WaitAsync(EngineHarness.Limit)).Ok);
        Assert.Equal([next.Id], Restarted().List(_carol, "a").Value!.Select(s => s.Id));
    }
}
