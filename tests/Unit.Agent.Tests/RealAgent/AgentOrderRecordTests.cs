using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>
/// The agent's durable record of the orders it received, against the real agent process killed with SIGKILL and
/// started again: an order runs at most once, and a ticket is used at most once, across restarts.
/// </summary>
public sealed class AgentOrderRecordTests
{
    private static readonly TimeSpan Wait = RestartableAgent.Wait;

    [Fact]
    public async Task OrderSentAgainAfterAnAgentRestart_ForATaskItFinished_IsNotRunAgain_AndGetsTheRecordedOutcome()
    {
        await using var unit = await RestartableAgent.StartAsync();
        string file = Path.Combine(unit.Root, "once.txt");
        var first = await unit.Hub.RunAsync(unit.Write(41, file, "first"), Wait);
        Assert.True(first.Outcome == TaskOutcome.Succeeded, first.Error);

        await unit.RestartAsync();
        // The station sends the same task again (say its result was lost), with a fresh ticket; overwrite: false
        // would fail a second run, and other content would show in the file.
        File.WriteAllText(file, "changed by hand");
        var again = await unit.Hub.RunAsync(unit.Write(41, file, "first"), Wait);

        Assert.True(again.Outcome == TaskOutcome.Succeeded, $"the order ran again or was refused: {again.Outcome} {again.Error}\n{unit.Agent.Output}");
        Assert.Equal(first.ResultJson, again.ResultJson);
        Assert.Equal("changed by hand", File.ReadAllText(file));
    }

    [Fact]
    public async Task TicketReplayedAfterAnAgentRestart_IsRefused()
    {
        await using var unit = await RestartableAgent.StartAsync();
        var order = unit.Order(51, TaskKinds.FsList, new { path = unit.Root }, $"/units/{RestartableAgent.Unit}/fs{unit.Root}");
        var first = await unit.Hub.RunAsync(order, Wait);
        Assert.True(first.Outcome == TaskOutcome.Succeeded, first.Error);

        await unit.RestartAsync();
        var replayed = await unit.Hub.RunAsync(order, Wait);

        Assert.Equal(TaskOutcome.Failed, replayed.Outcome);
        Assert.Contains("already used (replay)", replayed.Error);
    }

    [Fact]
    public async Task OrderSentAgainAfterTheAgentDiedWhileItRan_IsNotRunAgain_AndEndsInterrupted()
    {
        await using var unit = await RestartableAgent.StartAsync();
        await unit.Hub.Agent.RunTask(unit.Hold(61, 300)).WaitAsync(Wait);
        await WaitUntilAsync(() => unit.Agent.Output.Contains("Task 61 (maintenance.hold) starting"), unit);

        await unit.RestartAsync();
        var again = await unit.Hub.RunAsync(unit.Hold(61, 300), Wait);

        Assert.Equal(TaskOutcome.Interrupted, again.Outcome);
        Assert.Contains("restarted while the task ran", again.Error);
    }

    [Fact]
    public async Task EveryOrder_IsAcknowledged_AndARepeatedOrderForARunningTaskSaysSo()
    {
        await using var unit = await RestartableAgent.StartAsync();
        await unit.Hub.Agent.RunTask(unit.Hold(71, 300)).WaitAsync(Wait);
        var receipt = await unit.Hub.State.Receipts(71).Reader.ReadAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(OrderReceiptStatus.Accepted, receipt.Status);

        await unit.Hub.Agent.RunTask(unit.Hold(71, 300)).WaitAsync(Wait);
        var repeated = await unit.Hub.State.Receipts(71).Reader.ReadAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(OrderReceiptStatus.AlreadyRunning, repeated.Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, RestartableAgent unit)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out; agent output:\n" + unit.Agent.Output);
            await Task.Delay(50);
        }
    }
}
