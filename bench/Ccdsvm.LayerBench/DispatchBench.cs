using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ccdsvm.LayerBench;

/// <summary>
/// Task latency through one layer against the same task submitted at the mid station itself: pairs of one submission
/// at the top and one at the mid (in turn which goes first), for units below the mid, one task in flight at a time.
/// Each latency runs from sending POST /api/v1/tasks to the first GET /api/v1/tasks/{id} that shows it succeeded
/// (polled every --poll-ms at the station it was submitted to, the same at both).
/// </summary>
public sealed class DispatchBench(Station top, Station mid, IReadOnlyList<string> units, string kind, string path, int pairs, int warmup, int pollMs)
{
    public async Task<JsonObject> RunAsync()
    {
        Samples viaTop = new(), direct = new(), submitTop = new(), submitMid = new();
        double load0 = ProcessProbe.LoadAverage();
        for (int i = 0; i < warmup + pairs; i++)
        {
            string unit = units[i % units.Count];
            bool topFirst = i % 2 == 0;
            var first = await OneAsync(topFirst ? top : mid, unit).ConfigureAwait(false);
            var second = await OneAsync(topFirst ? mid : top, unit).ConfigureAwait(false);
            if (i < warmup) continue;
            var (t, m) = topFirst ? (first, second) : (second, first);
            viaTop.Add(t.Total);
            submitTop.Add(t.Submit);
            direct.Add(m.Total);
            submitMid.Add(m.Submit);
        }
        return new JsonObject
        {
            ["kind"] = kind,
            ["units"] = units.Count,
            ["pairs"] = pairs,
            ["warmupPairs"] = warmup,
            ["pollMs"] = pollMs,
            ["viaTop"] = viaTop.Summary(),
            ["directAtMid"] = direct.Summary(),
            ["ratioP50"] = Samples.Ratio(viaTop.Quantile(0.5), direct.Quantile(0.5)),
            ["ratioP99"] = Samples.Ratio(viaTop.Quantile(0.99), direct.Quantile(0.99)),
            ["submitAtTop"] = submitTop.Summary(),
            ["submitAtMid"] = submitMid.Summary(),
            ["loadAverage"] = new JsonArray(load0, ProcessProbe.LoadAverage()),
        };
    }

    private async Task<(double Submit, double Total)> OneAsync(Station station, string unit)
    {
        long start = Stopwatch.GetTimestamp();
        long id = await station.SubmitAsync(kind, unit, new { path }).ConfigureAwait(false);
        double submit = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var limit = TimeSpan.FromSeconds(60);
        while (true)
        {
            var (state, error) = await station.TaskStateAsync(id).ConfigureAwait(false);
            if (state == "succeeded") return (submit, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (state is "failed" or "cancelled" or "interrupted")
                throw new InvalidOperationException($"task {id} at {station.Name} for {unit} ended {state}: {error}");
            if (Stopwatch.GetElapsedTime(start) > limit) throw new TimeoutException($"task {id} at {station.Name} for {unit} still {state} after {limit.TotalSeconds} s");
            await Task.Delay(pollMs).ConfigureAwait(false);
        }
    }
}
