using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Uplink;

/// <summary>
/// The link down of a task at the station above (README, "Layered stations"), on a real engine and store: the mid
/// station's uplink reports the task's id there with its progress; the task's view says "relayed to mid-1 as task 17"
/// while it runs and after it ended (read back from the store); a task that was not relayed says nothing.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class RelayedToTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);

    public RelayedToTests() => _h.Online("mid-1");

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task TheMidStationsTaskId_IsKeptWithTheTask_WhileItRunsAndAfter()
    {
        using var parameters = JsonDocument.Parse("""{"path":"/srv/data/x.bin"}""");
        var relayed = await _h.SubmitOk(new SubmitTask(TaskKinds.FsChecksum, "mid-1", parameters.RootElement.Clone()), EngineHarness.Alice);
        var local = await _h.SubmitOk(new SubmitTask(TaskKinds.FsChecksum, "mid-1", parameters.RootElement.Clone()), EngineHarness.Alice);
        var now = DateTimeOffset.UtcNow;
        _h.Engine.OnStarted("mid-1", new TaskStarted(relayed.Id, false, now));
        _h.Engine.OnProgress("mid-1", new TaskProgress(relayed.Id, 1, 0.1, "hashing", 1, 1, ["relayed to mid-1 as task 17"], now, new RelayedTo("mid-1", 17)));
        _h.Engine.OnProgress("mid-1", new TaskProgress(relayed.Id, 2, 0.5, "hashing", 1, 1, [], now, new RelayedTo("mid-1", 17)));

        Assert.Equal(new RelayedTo("mid-1", 17), _h.View(relayed.Id).RelayedTo);
        Assert.Equal("relayed to mid-1 as task 17", _h.View(relayed.Id).RelayedTo!.ToString());

        await _h.Engine.OnResultAsync("mid-1", new TaskResult(relayed.Id, TaskOutcome.Succeeded, """{"path":"/srv/data/x.bin","sha256":"abc123","bytes":3}""", null, now)).WaitAsync(EngineHarness.Limit);
        Assert.Equal(TaskStateNames.Succeeded, _h.View(relayed.Id).State);
        Assert.Equal(new RelayedTo("mid-1", 17), _h.View(relayed.Id).RelayedTo);
        // Kept once, not once per update.
        var events = _h.Engine.Events(relayed.Id, EngineHarness.Alice);
        Assert.Single(events.Value!, e => e.Type == TaskStore.RelayedEvent);

        Assert.Null(_h.View(local.Id).RelayedTo);
    }
}
