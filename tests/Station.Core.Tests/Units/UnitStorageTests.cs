using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>
/// The station's storage readings: authorised as storage.inventory is, answered from the last reading without a
/// task, refreshed through the agent link, and told plainly when the unit is offline or does not answer.
/// </summary>
public sealed class UnitStorageTests : IDisposable
{
    private readonly EngineHarness _h = new();
    private readonly ScriptedLink _link = new();
    private readonly UnitStorage _storage;

    public UnitStorageTests()
    {
        _h.Online("a");
        _storage = new UnitStorage(_h.Units, new UnitDirectory(_h.Units, _h.Access), _link, _h.Clock);
        using (var c = _h.Db.Open())
        {
            AccessControl.Grant(c, null, "/units", "audra", Roles.Auditor.Name, "test", DateTimeOffset.UtcNow);
            AccessControl.Grant(c, null, "/units/a", "nobody", Roles.NoAccess.Name, "test", DateTimeOffset.UtcNow);
        }
        _h.Access.Reload("test");
    }

    private static StorageInventoryResult Reading(string fsType) => new(
        [new DiskInfo("sdb", "/dev/sdb", "disk", 1L << 30, fsType, [], null, null, [])], [], [], [], [], false);

    [Fact]
    public async Task Refresh_ReadsThroughTheAgent_KeepsIt_AndUpdatesTheUnitsDisks()
    {
        _link.Answer = Reading("ext4");
        var seen = new List<StorageSnapshot>();
        using var _ = _storage.Subscribe(seen.Add);

        Assert.Null(_storage.Latest(EngineHarness.Alice, "a").Value);
        var read = await _storage.RefreshAsync(EngineHarness.Alice, "a", CancellationToken.None).WaitAsync(EngineHarness.Limit);

        Assert.True(read.Ok, read.Error?.Message);
        Assert.Equal("ext4", read.Value!.Storage.Disks[0].FsType);
        Assert.Equal(_h.Clock.GetUtcNow(), read.Value.ReadAt);
        Assert.Same(read.Value, _storage.Latest(EngineHarness.Alice, "a").Value);
        Assert.Equal("ext4", _h.Units.View("a")!.Disks[0].FsType);
        Assert.Same(read.Value, Assert.Single(seen));
        // Looking is no task.
        Assert.Empty(_h.Engine.List(new(), new Caller("root", true)).Value!);
    }

    [Fact]
    public async Task Offline_Or_Silent_Unit_IsSaid_WithTheAgeOfWhatIsShown()
    {
        _storage.Update("a", Reading("xfs"));
        _link.Answer = null;
        var offline = await _storage.RefreshAsync(EngineHarness.Alice, "a", CancellationToken.None).WaitAsync(EngineHarness.Limit);
        Assert.Equal(StationErrorKind.Conflict, offline.Error!.Kind);
        Assert.Contains("unit 'a' is offline; showing what it had at", offline.Error.Message);

        _link.Throw = new TimeoutException();
        var silent = await _storage.RefreshAsync(EngineHarness.Alice, "a", CancellationToken.None).WaitAsync(EngineHarness.Limit);
        Assert.Contains("unit 'a' did not answer within 35 s", silent.Error!.Message);
        Assert.Equal("xfs", _storage.Latest(EngineHarness.Alice, "a").Value!.Storage.Disks[0].FsType);
    }

    [Fact]
    public async Task Readers_NeedTheInventoryPrivilege_AndUnseenUnitsAreUnknown()
    {
        _storage.Update("a", Reading("ext4"));

        var auditor = _storage.Latest(new Caller("audra", false), "a");
        Assert.Equal(StationErrorKind.Forbidden, auditor.Error!.Kind);
        Assert.Contains("Task.storage.inventory", auditor.Error.Message);
        var hidden = await _storage.RefreshAsync(new Caller("nobody", false), "a", CancellationToken.None).WaitAsync(EngineHarness.Limit);
        Assert.Equal(StationErrorKind.NotFound, hidden.Error!.Kind);
        Assert.Equal(StationErrorKind.NotFound, _storage.Latest(EngineHarness.Alice, "zzz").Error!.Kind);
        Assert.Equal(0, _link.Asked);
    }

    public void Dispose() => _h.Dispose();

    /// <summary>The agent's side of the hub, scripted: the real link is proven end to end in StorageViewEndToEndTests.</summary>
    private sealed class ScriptedLink : IAgentStorageLink
    {
        public StorageInventoryResult? Answer { get; set; }
        public Exception? Throw { get; set; }
        public int Asked { get; private set; }

        public Task<StorageInventoryResult?> ReadAsync(string unitId, string user, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Asked++;
            return Throw is { } ex ? Task.FromException<StorageInventoryResult?>(ex) : Task.FromResult(Answer);
        }
    }
}
