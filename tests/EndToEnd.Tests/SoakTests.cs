using Ccdsvm.BurstLoad;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.TestSupport;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Issue 16 point 4, the CI version: 50 users × 10 mixed tasks in flight for 45 s against one station with three
/// units (its embedded agent and two agent processes). No task fails and the station's RSS, handles and threads stay
/// within the bound of <see cref="SoakResult"/>. The 10-minute figures are in docs/BENCHMARKS.md.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SoakTests
{
    [Fact]
    public async Task FiftyUsersTenTasksEachFor45Seconds_NoErrors_ResourcesBounded()
    {
        await using var rig = await SoakRig.StartAsync(RepoPaths.StationDll, RepoPaths.AgentDll, 2, TimeSpan.FromSeconds(90));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        var result = await Soak.RunAsync(new SoakOptions(rig.Station.BaseUrl, rig.Station.AdminPassword, rig.Station.ProcessId, rig.Units, 50, 10, TimeSpan.FromSeconds(45)), cts.Token);

        Assert.True(result.Errors == 0, $"errors:\n{result}");
        Assert.True(result.Tasks > 180, $"the soak hardly ran:\n{result}");
        Assert.True(result.AllBounded, $"a resource grew beyond its bound:\n{result}");
    }
}
