using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>The task list's kind filter and text search at the station, checked against what the console's live filter says.</summary>
public sealed class TaskSearchTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);
    private static readonly Caller Root = new("root", true);

    public TaskSearchTests() => _h.Online("a");

    [Fact]
    public async Task KindAndText_FindTheTasks_CaseIgnored_AndTheLiveFilterAgrees()
    {
        var hold = await _h.SubmitOk(EngineHarness.Hold("disks/sdb"), EngineHarness.Alice);
        var sum = await _h.SubmitOk(EngineHarness.Checksum("/srv/data/Ledger.BIN"), EngineHarness.Bob);

        var holds = _h.Engine.List(new TaskQuery(Kind: TaskKinds.MaintenanceHold), Root).Value!;
        Assert.Equal([hold.Id], holds.Select(t => t.Id));
        var byPath = _h.Engine.List(new TaskQuery(Text: "ledger.bin"), Root).Value!;
        Assert.Equal([sum.Id], byPath.Select(t => t.Id));
        var byOwner = _h.Engine.List(new TaskQuery(Text: "ALICE"), Root).Value!;
        Assert.Equal([hold.Id], byOwner.Select(t => t.Id));
        var byNumber = _h.Engine.List(new TaskQuery(Text: sum.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), Root).Value!;
        Assert.Contains(byNumber, t => t.Id == sum.Id);
        Assert.Empty(_h.Engine.List(new TaskQuery(Kind: TaskKinds.FsChecksum, Text: "sdb"), Root).Value!);

        // The console applies TaskQuery.Matches to live changes: it agrees with the store.
        Assert.True(new TaskQuery(Text: "ledger.bin").Matches(sum));
        Assert.False(new TaskQuery(Text: "ledger.bin").Matches(hold));
        Assert.True(new TaskQuery(Kind: TaskKinds.MaintenanceHold, Text: "alice").Matches(hold));
    }

    [Fact]
    public void UnknownKind_OrOverlongText_IsRefusedInWords()
    {
        var kind = _h.Engine.List(new TaskQuery(Kind: "fs.shred"), Root);
        Assert.Equal(StationErrorKind.BadRequest, kind.Error!.Kind);
        Assert.Contains("unknown task kind 'fs.shred'; kinds: auth.enrol", kind.Error.Message);
        var text = _h.Engine.List(new TaskQuery(Text: new string('x', 201)), Root);
        Assert.Contains("longer than 200 characters", text.Error!.Message);
    }

    public void Dispose() => _h.Dispose();
}
