using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>Heterogeneous units: a kind a unit cannot run is refused before admission, in words that say why.</summary>
[Collection(StoreCollection.Name)]
public sealed class UnitCapabilityTests : IDisposable
{
    private static readonly Caller Root = new("root", true);
    private readonly EngineHarness _h = new(maxTasks: 8);

    public UnitCapabilityTests()
    {
        // unit-42: Alpine on arm64, no mdadm, no XFS tools; it runs storage kinds but not data.move.
        var kinds = new[] { TaskKinds.FsChecksum, TaskKinds.MaintenanceHold, TaskKinds.StorageRaid, TaskKinds.StorageMkfs, TaskKinds.StoragePartition };
        _h.Units.Online("conn-42", EngineHarness.Inventory("unit-42") with
        {
            Capabilities = new UnitCapabilities("alpine", "3.20", "arm64", kinds, ["sfdisk", "wipefs", "mkfs.ext4", "mkfs.btrfs", "btrfs"]),
        }, DateTimeOffset.UtcNow);
        _h.Online("a"); // announces no capabilities: an older agent, not second-guessed
    }

    public void Dispose() => _h.Dispose();

    private Task<Outcome<TaskView>> Submit(string kind, string unit, object parameters) =>
        _h.Engine.SubmitAsync(new SubmitTask(kind, unit, EngineHarness.Json(parameters)), Root).WaitAsync(EngineHarness.Limit);

    [Fact]
    public async Task AnMdRaid_OnAUnitWithoutMdadm_IsRefusedBeforeAdmission()
    {
        var refused = await Submit(TaskKinds.StorageRaid, "unit-42", new { level = "raid1", name = "r", devices = new[] { "/dev/sdb", "/dev/sdc" } });

        Assert.Equal(StationErrorKind.Conflict, refused.Error!.Kind);
        Assert.Equal("unit-42 cannot run storage.raid: mdadm is not installed there", refused.Error.Message);
        Assert.Empty(_h.Engine.List(new TaskQuery(), Root).Value!);
        Assert.Empty(_h.Dispatcher.Orders);
    }

    [Fact]
    public async Task ABtrfsRaid_AndAnExt4_OnTheSameUnit_AreAdmitted_AnXfsIsNot()
    {
        Assert.True((await Submit(TaskKinds.StorageRaid, "unit-42", new { engine = "btrfs", level = "raid1", name = "r", devices = new[] { "/dev/sdb", "/dev/sdc" } })).Ok);
        Assert.True((await Submit(TaskKinds.StorageMkfs, "unit-42", new { device = "/dev/sdd", fstype = "ext4" })).Ok);

        var xfs = await Submit(TaskKinds.StorageMkfs, "unit-42", new { device = "/dev/sde", fstype = "xfs" });
        Assert.Equal("unit-42 cannot run storage.mkfs: mkfs.xfs is not installed there", xfs.Error!.Message);
    }

    [Fact]
    public async Task AKindTheAgentDoesNotOffer_IsRefused_AndAnUnannouncedUnitIsNotSecondGuessed()
    {
        var move = await Submit(TaskKinds.FsList, "unit-42", new { path = "/srv/data" });
        Assert.Equal(StationErrorKind.Conflict, move.Error!.Kind);
        Assert.Equal("unit-42 cannot run fs.list: its agent does not offer it there (alpine 3.20, arm64)", move.Error.Message);

        Assert.True((await Submit(TaskKinds.StorageRaid, "a", new { level = "raid1", name = "r", devices = new[] { "/dev/sdb", "/dev/sdc" } })).Ok);
    }
}
