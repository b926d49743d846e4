using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ccdsvm.LayerBench;

/// <summary>
/// Inventory flowing up: for each mid station, when all <c>expect</c> of its units (named <c>{prefix}-…</c>) are online
/// at the mid, and when the top lists all of them online below that mid; the lag between the two is what the layer
/// adds. Polls every --poll-ms from the start (start the simulated fleets after this). Then the top's RSS and its CPU
/// over --idle-seconds with everything connected.
/// </summary>
public sealed class InventoryBench(Station top, IReadOnlyList<(Station Mid, string Prefix)> mids, int expect, int pollMs, int timeoutSeconds, ProcessProbe? topProcess, int idleSeconds)
{
    public async Task<JsonObject> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        double cpu0 = topProcess?.CpuSeconds() ?? 0;
        var midAll = new double?[mids.Count];
        var topAll = new double?[mids.Count];
        var lastSeen = new (int Mid, int Top)[mids.Count];
        while (topAll.Any(t => t is null) && clock.Elapsed.TotalSeconds < timeoutSeconds)
        {
            for (int k = 0; k < mids.Count; k++)
            {
                var (mid, prefix) = mids[k];
                if (midAll[k] is null)
                {
                    lastSeen[k].Mid = await mid.OnlineAsync(prefix + "-").ConfigureAwait(false);
                    if (lastSeen[k].Mid >= expect) midAll[k] = clock.Elapsed.TotalMilliseconds;
                }
                if (topAll[k] is null)
                {
                    lastSeen[k].Top = await top.OnlineAsync(prefix + "-", mid.Name).ConfigureAwait(false);
                    if (lastSeen[k].Top >= expect) topAll[k] = clock.Elapsed.TotalMilliseconds;
                }
            }
            await Task.Delay(pollMs).ConfigureAwait(false);
        }
        double phaseSeconds = clock.Elapsed.TotalSeconds;
        double phaseCpu = topProcess is null ? 0 : topProcess.CpuSeconds() - cpu0;
        var perMid = new JsonArray();
        var lags = new Samples();
        for (int k = 0; k < mids.Count; k++)
        {
            double? lag = midAll[k] is { } m && topAll[k] is { } t ? Math.Round(t - m, 1) : null;
            if (lag is { } l) lags.Add(l);
            perMid.Add(new JsonObject
            {
                ["mid"] = mids[k].Mid.Name, ["onlineAtMid"] = lastSeen[k].Mid, ["listedAtTop"] = lastSeen[k].Top,
                ["allAtMidSeconds"] = midAll[k] is { } a ? Math.Round(a / 1000, 2) : null,
                ["allAtTopSeconds"] = topAll[k] is { } b ? Math.Round(b / 1000, 2) : null,
                ["lagMs"] = lag,
            });
        }
        var result = new JsonObject
        {
            ["expectPerMid"] = expect,
            ["pollMs"] = pollMs,
            ["perMid"] = perMid,
            ["lagMs"] = lags.Summary(),
            ["complete"] = topAll.All(t => t is not null),
            ["loadAverageAfterConnect"] = ProcessProbe.LoadAverage(),
        };
        if (topProcess is not null)
        {
            result["topCpuPercentDuringConnect"] = Math.Round(phaseCpu / phaseSeconds * 100, 1);
            result["topRssMiBAllListed"] = topProcess.RssMiB();
            if (idleSeconds > 0)
            {
                double c0 = topProcess.CpuSeconds();
                await Task.Delay(TimeSpan.FromSeconds(idleSeconds)).ConfigureAwait(false);
                result["topIdleCpuPercent"] = Math.Round((topProcess.CpuSeconds() - c0) / idleSeconds * 100, 1);
                result["topRssMiBIdle"] = topProcess.RssMiB();
                result["idleSeconds"] = idleSeconds;
                result["loadAverageAfterIdle"] = ProcessProbe.LoadAverage();
            }
        }
        return result;
    }
}
