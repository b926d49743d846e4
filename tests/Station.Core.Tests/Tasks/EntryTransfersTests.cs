using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;

namespace Ccdsvm.Station.Core.Tests.Tasks;

public sealed class EntryTransfersTests
{
    private readonly TaskKindCatalog _catalog = new();

    /// <summary>The station admits what EntryTransfers builds: its kind exists and its parameters pass validation for its target.</summary>
    private void AssertAdmissible(SubmitTask task)
    {
        Assert.True(_catalog.TryGet(task.Kind!, out var kind), $"{task.Kind} is not in the catalog");
        Assert.Null(kind.Validate(task.Parameters!.Value, task.Target!, out _));
    }

    [Theory]
    [InlineData(false, "copy")]
    [InlineData(true, "move")]
    public void AcrossUnits_IsADataMoveOnTheDestination(bool move, string mode)
    {
        var task = EntryTransfers.For("unit-a", new EntryRef("/srv/a/ledger.bin", false), "unit-b", "/srv/b", move);

        Assert.Equal(TaskKinds.DataMove, task.Kind);
        Assert.Equal("unit-b", task.Target);
        Assert.Equal($$$"""{"source":{"unit":"unit-a","path":"/srv/a/ledger.bin"},"destination":{"unit":"unit-b","path":"/srv/b/ledger.bin"},"mode":"{{{mode}}}"}""",
            task.Parameters!.Value.GetRawText());
        AssertAdmissible(task);
    }

    [Fact]
    public void OneUnit_Move_IsARename()
    {
        var task = EntryTransfers.For("unit-a", new EntryRef("/srv/a/ledger.bin", false), "unit-a", "/srv/b/", move: true);

        Assert.Equal(TaskKinds.FsRename, task.Kind);
        Assert.Equal("unit-a", task.Target);
        Assert.Equal("""{"from":"/srv/a/ledger.bin","to":"/srv/b/ledger.bin"}""", task.Parameters!.Value.GetRawText());
        AssertAdmissible(task);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void OneUnit_Copy_IsAnFsCopy_RecursiveForADirectory(bool directory, bool recursive)
    {
        var task = EntryTransfers.For("unit-a", new EntryRef("/srv/a/logs", directory), "unit-a", "/", move: false);

        Assert.Equal(TaskKinds.FsCopy, task.Kind);
        var p = task.Parameters!.Value;
        Assert.Equal("/srv/a/logs", p.GetProperty("from").GetString());
        Assert.Equal("/logs", p.GetProperty("to").GetString());
        Assert.Equal(recursive, p.GetProperty("recursive").GetBoolean());
        AssertAdmissible(task);
    }

    [Fact]
    public void DataMove_OnOneUnit_IntoItself_IsRefusedByTheContract()
    {
        // A data.move with both ends on one unit, the destination inside the source: the contract's overlap rule says why.
        var p = DataMove.Contract.Write(new DataMoveParameters(new DataLocation("unit-a", "/srv/a"), new DataLocation("unit-a", "/srv/a/sub")));
        Assert.True(_catalog.TryGet(TaskKinds.DataMove, out var kind));
        Assert.Contains("the destination /srv/a/sub lies inside the source /srv/a", kind.Validate(p, "unit-a", out _));
    }
}
