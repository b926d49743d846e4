using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Uplink;

namespace Ccdsvm.Station.Core.Tests.Uplink;

/// <summary>
/// The link up of a task relayed from the station above (README, "Layered stations"), on a real engine and store: the
/// task the relay admitted carries "relayed from task 42 of top for zed" in its view, read from its row (owner and
/// idempotency key); a task submitted here, even with a key of the same shape by a local user, carries none.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class RelayedFromTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);

    public RelayedFromTests() => _h.Online("leaf");

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task ARelayedTask_SaysWhichTaskOfWhichStationAboveItCameFrom_ALocalTaskDoesNot()
    {
        var relay = new TaskRelay(_h.Engine, _h.Notifier, _h.Access, _h.Units, new UpstreamOptions { Url = "https://top.example:5080", Name = "mid-1", Label = "top" });
        using (var c = _h.Db.Open()) AccessControl.Grant(c, null, "/units/leaf", "@" + AccessControl.UpstreamGroup, Roles.Operator.Name, "test", DateTimeOffset.UtcNow);
        _h.Access.Reload();
        var running = relay.RunAsync(new RelayRequest(42, TaskKinds.FsChecksum, "leaf", """{"path":"/srv/data/x.bin"}""", "zed"), _ => { }, CancellationToken.None);
        using (var limit = new CancellationTokenSource(EngineHarness.Limit))
            while (_h.Dispatcher.SentSoFar.Count < 1) await Task.Delay(20, limit.Token);
        long id = _h.Dispatcher.SentSoFar[0].Order.TaskId;

        var from = _h.View(id).RelayedFrom;
        Assert.Equal(new RelayedFrom(42, "top", "zed@top"), from);
        Assert.Equal("relayed from task 42 of top for zed", from!.ToString());
        // The API's JSON carries it too.
        var json = JsonSerializer.SerializeToElement(_h.View(id), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(42, json.GetProperty("relayedFrom").GetProperty("upperTaskId").GetInt64());

        using var parameters = JsonDocument.Parse("""{"path":"/srv/data/y.bin"}""");
        var local = await _h.SubmitOk(new SubmitTask(TaskKinds.FsChecksum, "leaf", parameters.RootElement.Clone(), IdempotencyKey: "upstream-top-7"), EngineHarness.Alice);
        Assert.Null(local.RelayedFrom);

        await _h.Engine.OnResultAsync("leaf", new TaskResult(id, TaskOutcome.Succeeded, """{"path":"/srv/data/x.bin","sha256":"abc123","bytes":3}""", null, DateTimeOffset.UtcNow)).WaitAsync(EngineHarness.Limit);
        Assert.Equal(TaskState.Succeeded, (await running.WaitAsync(EngineHarness.Limit)).State);
    }

    [Theory]
    [InlineData("zed@top", "upstream-top-12", 12L, "top", "relayed from task 12 of top for zed")]
    [InlineData("zed@top", "upstream-mid-1-5", 5L, "mid-1", "relayed from task 5 of mid-1 for zed@top")]
    public void TheKeyAndOwner_ReadBackAsTheLink(string owner, string key, long upperId, string label, string words)
    {
        Assert.Equal(key, RelayedFrom.KeyOf(label, upperId));
        var from = RelayedFrom.Of(owner, key);
        Assert.Equal((upperId, label, owner, words), (from!.UpperTaskId, from.Label, from.User, from.ToString()));
    }

    [Theory]
    [InlineData("zed@top", null)]
    [InlineData("zed@top", "mine-1")]
    [InlineData("zed@top", "upstream-top-")]
    [InlineData("zed@top", "upstream--3")]
    [InlineData("zed@top", "upstream-top-x")]
    [InlineData("zed@top", "upstream-top-0")]
    [InlineData("zed", "upstream-top-3")]
    public void AnythingElse_IsNoLink(string owner, string? key) => Assert.Null(RelayedFrom.Of(owner, key));
}
