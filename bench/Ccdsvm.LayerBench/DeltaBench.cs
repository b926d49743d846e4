using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ccdsvm.LayerBench;

/// <summary>
/// One unit at a mid station goes offline: its agent process (--pid, a one-unit fleet) is killed (SIGKILL), and both
/// the mid and the top are polled every --poll-ms until each shows the unit offline. The lag top − mid is the delta's
/// way up (the subtree publisher batches 250 ms).
/// </summary>
public sealed class DeltaBench(Station top, Station mid, string unit, int pid, int pollMs)
{
    public async Task<JsonObject> RunAsync()
    {
        var limit = TimeSpan.FromSeconds(60);
        var wait = Stopwatch.StartNew();
        while (await mid.UnitStatusAsync(unit).ConfigureAwait(false) != "online" || await top.UnitStatusAsync(unit).ConfigureAwait(false) != "online")
        {
            if (wait.Elapsed > limit) throw new TimeoutException($"{unit} was not online at both {mid.Name} and {top.Name} within {limit.TotalSeconds} s");
            await Task.Delay(100).ConfigureAwait(false);
        }

        using var agent = Process.GetProcessById(pid);
        long killed = Stopwatch.GetTimestamp();
        agent.Kill();
        double? atMid = null, atTop = null;
        while (atMid is null || atTop is null)
        {
            if (Stopwatch.GetElapsedTime(killed) > limit) throw new TimeoutException($"{unit} not offline at both within {limit.TotalSeconds} s (mid {atMid}, top {atTop})");
            var midStatus = atMid is null ? mid.UnitStatusAsync(unit) : Task.FromResult<string?>("offline");
            var topStatus = atTop is null ? top.UnitStatusAsync(unit) : Task.FromResult<string?>("offline");
            if (atMid is null && await midStatus.ConfigureAwait(false) == "offline") atMid = Stopwatch.GetElapsedTime(killed).TotalMilliseconds;
            if (atTop is null && await topStatus.ConfigureAwait(false) == "offline") atTop = Stopwatch.GetElapsedTime(killed).TotalMilliseconds;
            await Task.Delay(pollMs).ConfigureAwait(false);
        }
        return new JsonObject
        {
            ["unit"] = unit,
            ["offlineAtMidMs"] = Math.Round(atMid.Value, 1),
            ["offlineAtTopMs"] = Math.Round(atTop.Value, 1),
            ["lagMs"] = Math.Round(atTop.Value - atMid.Value, 1),
            ["pollMs"] = pollMs,
            ["loadAverage"] = ProcessProbe.LoadAverage(),
        };
    }
}
