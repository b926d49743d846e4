using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Faults;

/// <summary>
/// The link between a unit and its station cut for 30 s (a TCP forwarder in the test resets it and refuses new
/// connections; the host's interfaces are untouched): the agent reconnects by itself, a task that ended during the
/// cut reports its result, one still running carries on and ends, and nothing runs twice.
/// </summary>
[Collection(WaitingCollection.Name)]
public sealed partial class NetworkCutTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CutFor = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Link_cut_for_30_seconds_the_agent_reconnects_by_itself_results_from_the_cut_arrive_and_nothing_runs_twice()
    {
        await using var station = new CrashableStation(graceSeconds: 60);
        using var api = await station.StartAsync();
        await using var link = new CuttableLink(station.BaseUrl);
        try
        {
            await station.StartAgentAsync(api, "n", via: link.Url);
            long endsDuringCut = await api.StartAsync("maintenance.hold", "n", new { resource = "disks/sdn1", seconds = 10, reason = "ends during the cut" });
            long endsAfterCut = await api.StartAsync("maintenance.hold", "n", new { resource = "disks/sdn2", seconds = 45, reason = "ends after the cut" });
            await api.WaitForStateAsync(endsDuringCut, Timeouts.ShortTask, "running");
            await api.WaitForStateAsync(endsAfterCut, Timeouts.ShortTask, "running");

            link.Cut();
            await api.WaitUnitStatusAsync("n", "offline", Timeouts.UnitOnline);
            await Task.Delay(CutFor);
            // Within the grace period the station keeps both tasks (and their locks): the unit may still be working.
            Assert.Equal("running", (await api.TaskAsync(endsDuringCut)).GetProperty("state").GetString());
            Assert.Equal("running", (await api.TaskAsync(endsAfterCut)).GetProperty("state").GetString());
            link.Restore();

            await api.WaitUnitStatusAsync("n", "online", Timeouts.UnitOnline);
            var first = await api.WaitForStateAsync(endsDuringCut, Timeouts.ShortTask);
            Assert.True(first.GetProperty("state").GetString() == "succeeded", $"the task that ended during the cut: {first}");
            var second = await api.WaitForStateAsync(endsAfterCut, Timeouts.ShortTask);
            Assert.True(second.GetProperty("state").GetString() == "succeeded", $"the task that ended after the cut: {second}");
            Assert.Equal(1.0, second.GetProperty("progress").GetDouble());

            // Each order started once on the unit, whatever was re-sent on reconnect.
            string agentLog = station.AgentOutput("n");
            Assert.Single(Starts().Matches(agentLog), m => m.Groups[1].Value == endsDuringCut.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Single(Starts().Matches(agentLog), m => m.Groups[1].Value == endsAfterCut.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var locks = (await api.GetAsync("/api/v1/locks")).Body;
            Assert.Empty(locks.GetProperty("held").EnumerateArray());
        }
        catch
        {
            output.WriteLine(station.Output);
            output.WriteLine("--- n\n" + station.AgentOutput("n"));
            throw;
        }
    }

    [GeneratedRegex(@"Task (\d+) \([a-z.]+\) starting")]
    private static partial Regex Starts();
}
