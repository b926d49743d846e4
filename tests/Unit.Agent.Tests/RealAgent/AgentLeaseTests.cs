using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>
/// The agent's lease, against the real agent process: when its station stops answering (frozen, as a SIGSTOPped
/// station: the hub still holds the connection but answers nothing), the agent stops its running task once its
/// lease (Agent:LeaseSeconds) ends, and reports it interrupted when the station answers again.
/// </summary>
public sealed class AgentLeaseTests
{
    private static readonly TimeSpan Wait = RestartableAgent.Wait;

    [Fact]
    public async Task StationStopsAnswering_TheAgentStopsItsRunningTaskWhenItsLeaseEnds_AndReportsItWhenBack()
    {
        await using var unit = await RestartableAgent.StartAsync(new Dictionary<string, string> { ["Agent__LeaseSeconds"] = "2" });
        await unit.Hub.Agent.RunTask(unit.Hold(81, 300)).WaitAsync(Wait);
        Assert.Equal(OrderReceiptStatus.Accepted, (await unit.Hub.State.Receipts(81).Reader.ReadAsync(new CancellationTokenSource(Wait).Token)).Status);

        var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        unit.Hub.State.LeasesAnswered = frozen;
        var frozenAt = DateTimeOffset.UtcNow;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!unit.Agent.Output.Contains("The lease ended at"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the agent did not stop its task within 20 s of losing its station:\n" + unit.Agent.Output);
            await Task.Delay(100);
        }
        var stoppedAfter = DateTimeOffset.UtcNow - frozenAt;
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(6), $"stopped {stoppedAfter.TotalSeconds:0.0} s after the station froze; the lease is 2 s");

        frozen.SetResult();
        using var cts = new CancellationTokenSource(Wait);
        var result = await unit.Hub.State.Results(81).Reader.ReadAsync(cts.Token);
        Assert.Equal(TaskOutcome.Interrupted, result.Outcome);
        Assert.Matches(@"^stopped by the unit: no contact with the station since \d\d:\d\d:\d\d UTC; its lease ended at \d\d:\d\d:\d\d UTC", result.Error);
    }
}
