using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>The lock plans of the fs, inventory, hold and process kinds, read from their typed records after admission's canonicalisation.</summary>
public sealed class FsAndUnitKindLockPlanTests
{
    private readonly TaskKindCatalog _catalog = new();

    private IReadOnlyList<LockRequest> Plan(string kind, string json)
    {
        Assert.True(_catalog.TryGet(kind, out var definition), $"{kind} is not in the catalog");
        Assert.Null(definition.Validate(JsonDocument.Parse(json).RootElement, "u1", out var canonical));
        Assert.NotNull(definition.Contract);
        return definition.LockPlan("u1", canonical);
    }

    [Theory]
    [InlineData(TaskKinds.FsList, """{"path":"/srv/data"}""", LockMode.Shared)]
    [InlineData(TaskKinds.FsStat, """{"path":"/srv/data"}""", LockMode.Shared)]
    [InlineData(TaskKinds.FsMkdir, """{"path":"/srv/data","parents":true}""", LockMode.Exclusive)]
    [InlineData(TaskKinds.FsWrite, """{"path":"/srv/data","content":""}""", LockMode.Exclusive)]
    [InlineData(TaskKinds.FsDelete, """{"path":"/srv//data/","recursive":true}""", LockMode.Exclusive)]
    [InlineData(TaskKinds.FsChmod, """{"path":"/srv/data","mode":"750"}""", LockMode.Exclusive)]
    [InlineData(TaskKinds.FsChown, """{"path":"/srv/data","user":"root"}""", LockMode.Exclusive)]
    public void OnePathKinds_LockTheirCanonicalPath(string kind, string json, LockMode mode) =>
        Assert.Equal([new LockRequest("/units/u1/fs/srv/data", mode)], Plan(kind, json));

    [Fact]
    public void Rename_LocksBothEnds_Exclusive() =>
        Assert.Equal([new LockRequest("/units/u1/fs/srv/a", LockMode.Exclusive), new LockRequest("/units/u1/fs/srv/b", LockMode.Exclusive)],
            Plan(TaskKinds.FsRename, """{"from":"/srv/a","to":"/srv/b"}"""));

    [Fact]
    public void Copy_SharesTheSource_UntilStageOne_AndHoldsTheDestination()
    {
        var plan = Plan(TaskKinds.FsCopy, """{"from":"/srv/a/","to":"/srv/b"}""");
        Assert.Equal([new LockRequest("/units/u1/fs/srv/a", LockMode.Shared, 1), new LockRequest("/units/u1/fs/srv/b", LockMode.Exclusive)], plan);
    }

    [Fact]
    public void Inventory_ReadsEveryDisk_Shared() =>
        Assert.Equal([new LockRequest("/units/u1/disks", LockMode.Shared)], Plan(TaskKinds.StorageInventory, "{}"));

    [Theory]
    [InlineData("disks/sdb", "/units/u1/disks/sdb")]
    [InlineData("disks/sdb1", "/units/u1/disks/sdb/sdb1")]
    [InlineData("/units/other/fs/srv/x", "/units/other/fs/srv/x")]
    public void Hold_LocksItsResource_Exclusive(string resource, string locked) =>
        Assert.Equal([new LockRequest(locked, LockMode.Exclusive)], Plan(TaskKinds.MaintenanceHold, $$"""{"resource":"{{resource}}","seconds":5}"""));

    [Theory]
    [InlineData(ProcessTaskKinds.Signal, """{"pid":4242,"signal":"HUP"}""")]
    [InlineData(ProcessTaskKinds.Renice, """{"pid":4242,"nice":5}""")]
    public void ProcessKinds_HoldTheProcess(string kind, string json) =>
        Assert.Equal([new LockRequest("/units/u1/processes/4242", LockMode.Exclusive)], Plan(kind, json));

    [Fact]
    public void Admission_RefusesAFractionalPid_InsteadOfFailingOnTheUnit()
    {
        Assert.True(_catalog.TryGet(ProcessTaskKinds.Signal, out var signal));
        Assert.Contains("parameter 'pid' must be a whole number", signal.Validate(JsonDocument.Parse("""{"pid":42.5,"signal":"TERM"}""").RootElement));
    }
}
