using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Ccdsvm.ConsoleBench;

/// <summary>
/// The console's circuits at scale (docs/BENCHMARKS.md, "Console circuits at scale (issue 21, targets 1 and 5)"), one run:
/// <list type="number">
/// <item>idle circuits: the station's RSS before and after <c>--idle</c> pages on /blank (an empty interactive page: the
/// framework's own cost), then as many on / (the workspace with no pane open), each kept open, so the two growths add up;</item>
/// <item>the start file is written: the simulated units' tasks start (bench/Ccdsvm.FleetLoad --start-file);</item>
/// <item>one circuit with the workspace on <c>--live-panes</c> live panes: <c>--live-circuits</c> such pages, RSS growth per page;</item>
/// <item>fan-out: for each count of <c>--circuits</c>, pages on / in grid layout each with <c>--panes</c> panes (a slice of
/// the running tasks each) plus one task list page; a MutationObserver in each page notes, per update of a pane's stage
/// (or a task list row's), the arrival time minus the send time the unit wrote into the stage ("@" Unix ms; same clock);
/// over <c>--window</c> seconds: p50/p99 of that lag and the station's CPU from /proc (utime + stime).</item>
/// </list>
/// Ends with one JSON line of figures.
/// </summary>
public static class PaneBench
{
    private const string Usage = "usage: Ccdsvm.ConsoleBench panes --station URL --user U --password P --admin-token T --station-pid PID --start-file PATH "
        + "[--tasks 500] [--idle 100] [--live-circuits 10] [--live-panes 10] [--circuits 20,100] [--panes 25] [--window 30] [--chromium /usr/bin/chromium] "
        + "[--dumps DIR (heap dumps of the station after the /blank and the / circuits, for `heapdiff`)] [--idle-only]";

    private static readonly TimeSpan Step = TimeSpan.FromSeconds(120);

    /// <summary>Workspaces that did not get all their panes open within 60 s each.</summary>
    private static int Failed;

    /// <summary>Notes the lag of every new stamped stage text in a pane or a task list row; sampling only while <c>on</c>.</summary>
    private const string LagProbe = """
        (() => {
          if (window.__lag) return;
          try { localStorage.setItem('ccdsvm.pane-layout', 'grid'); localStorage.setItem('ccdsvm.pane-density', 'compact'); } catch (e) {}
          const lag = window.__lag = { on: false, samples: [], updates: 0 };
          const re = /@(\d{13})/;
          const note = (el, now) => {
            const m = re.exec(el.textContent);
            if (!m || el.__stamp === m[1]) return;
            el.__stamp = m[1];
            lag.updates++;
            if (lag.on) lag.samples.push(now - Number(m[1]));
          };
          new MutationObserver(muts => {
            const now = Date.now();
            const seen = new Set();
            for (const mu of muts) {
              const t = mu.target.nodeType === 1 ? mu.target : mu.target.parentElement;
              if (!t) continue;
              const el = t.closest('[data-testid=pane-stage],[data-testid=task-detail]');
              if (el && !seen.has(el)) { seen.add(el); note(el, now); }
              for (const n of mu.addedNodes) {
                if (n.nodeType !== 1) continue;
                for (const e of n.matches('[data-testid=pane-stage],[data-testid=task-detail]') ? [n] : n.querySelectorAll('[data-testid=pane-stage],[data-testid=task-detail]'))
                  if (!seen.has(e)) { seen.add(e); note(e, now); }
              }
            }
          }).observe(document, { subtree: true, childList: true, characterData: true });
        })();
        """;

    private const string OpenPanes = """
        async ids => {
          for (const id of ids) {
            Blazor.navigateTo('/?task=' + id);
            const t0 = Date.now();
            while (!document.querySelector('[data-testid=task-pane-' + id + ']')) {
              if (Date.now() - t0 > 60000) throw new Error('pane ' + id + ' did not open in 60 s');
              await new Promise(r => setTimeout(r, 25));
            }
          }
          return document.querySelectorAll('[data-testid^=task-pane-]').length;
        }
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string? Arg(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        string Need(string name) => Arg(name) ?? throw new ArgumentException($"{name} is required; {Usage}");
        int Int(string name, int fallback) => Arg(name) is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : fallback;

        Uri station;
        string user, password, token, startFile, chromium;
        string? dumps;
        int pid, tasks, idle, liveCircuits, livePanes, panes, window;
        int[] circuits;
        try
        {
            station = new Uri(Need("--station"));
            user = Need("--user");
            password = Need("--password");
            token = Need("--admin-token");
            pid = int.Parse(Need("--station-pid"), CultureInfo.InvariantCulture);
            startFile = Need("--start-file");
            tasks = Int("--tasks", 500);
            idle = Int("--idle", 100);
            liveCircuits = Int("--live-circuits", 10);
            livePanes = Int("--live-panes", 10);
            panes = Int("--panes", 25);
            window = Int("--window", 30);
            circuits = [.. (Arg("--circuits") ?? "20,100").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
            chromium = Arg("--chromium") ?? "/usr/bin/chromium";
            dumps = Arg("--dumps");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or UriFormatException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        var probe = new StationProbe(pid);
        var figures = new JsonObject { ["bench"] = "panes", ["cores"] = Environment.ProcessorCount, ["loadStart"] = Load(), ["startedAt"] = Now() };
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // Pages share at most 16 renderer processes: 200 pages of one renderer each would not fit beside the station.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--renderer-process-limit=16", "--disable-renderer-backgrounding", "--disable-background-timer-throttling"],
            Timeout = 60_000,
        });
        figures["chromium"] = browser.Version;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout((float)Step.TotalMilliseconds);
        await context.AddInitScriptAsync(LagProbe);
        await SignInAsync(context, station, user, password);

        // 1. Idle circuits: warm-up pages first (JIT, caches), then the baseline and the console's home page, all kept open.
        Log($"idle: warm-up, load {Load()}");
        var warm = new List<IPage> { await OpenAsync(context, station, "/blank"), await OpenAsync(context, station, "/") };
        await Task.Delay(TimeSpan.FromSeconds(10));
        var r0 = await probe.SnapshotAsync();
        var blank = await OpenManyAsync(context, station, "/blank", idle);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var r1 = await probe.SnapshotAsync();
        if (dumps is not null) HeapTypes.Dump(pid, Path.Combine(dumps, "blank.dmp"));
        var home = await OpenManyAsync(context, station, "/", idle);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var r2 = await probe.SnapshotAsync();
        if (dumps is not null) HeapTypes.Dump(pid, Path.Combine(dumps, "home.dmp"));
        figures["idle"] = new JsonObject
        {
            ["circuits"] = idle,
            ["before"] = r0.ToJson(), ["blank"] = r1.ToJson(), ["home"] = r2.ToJson(),
            ["blankPerCircuit"] = r1.PerCircuit(r0, idle), ["homePerCircuit"] = r2.PerCircuit(r1, idle),
            ["homeBeyondBlankLiveKiB"] = ((r2.Live - r1.Live) - (r1.Live - r0.Live)) / 1024 / idle,
            ["homeBeyondBlankRssKiB"] = ((r2.Rss - r1.Rss) - (r1.Rss - r0.Rss)) / 1024 / idle,
            ["load"] = Load(),
        };
        Log($"idle: {figures["idle"]!.ToJsonString()}");
        if (args.Contains("--idle-only"))
        {
            Console.WriteLine(figures.ToJsonString());
            return 0;
        }
        await CloseAllAsync([.. warm, .. blank, .. home]);
        await Task.Delay(TimeSpan.FromSeconds(5));

        // 2. The tasks start.
        await File.WriteAllTextAsync(startFile, Now());
        var ids = await RunningAsync(station, token, tasks);
        figures["running"] = ids.Count;
        Log($"{ids.Count} tasks running, load {Load()}");
        await Task.Delay(TimeSpan.FromSeconds(5));

        // 3. Circuits with the workspace on a few live panes.
        var r3 = await probe.SnapshotAsync();
        var live = await OpenWorkspacesAsync(context, station, ids, liveCircuits, livePanes, 0);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var r4 = await probe.SnapshotAsync();
        figures["livePanes"] = new JsonObject
        {
            ["circuits"] = liveCircuits, ["panes"] = livePanes, ["before"] = r3.ToJson(), ["after"] = r4.ToJson(),
            ["perCircuit"] = r4.PerCircuit(r3, liveCircuits), ["load"] = Load(),
        };
        Log($"live panes: {figures["livePanes"]!.ToJsonString()}");
        await CloseAllAsync(live);
        await Task.Delay(TimeSpan.FromSeconds(5));

        // 4. Fan-out: 20 circuits, then 100 (the first 20 stay).
        Failed = 0;
        var fan = new JsonArray();
        var open = new List<IPage> { await OpenAsync(context, station, "/tasks?state=running") };
        foreach (int count in circuits)
        {
            int more = count - (open.Count - 1);
            var before = await probe.SnapshotAsync();
            open.AddRange(await OpenWorkspacesAsync(context, station, ids, more, panes, open.Count - 1));
            await Task.Delay(TimeSpan.FromSeconds(10));
            var after = await probe.SnapshotAsync();
            Log($"fan-out {count}: {open.Count - 1} workspaces + task list open, load {Load()}; measuring {window} s");
            foreach (var p in open)
            {
                try { await p.EvaluateAsync("() => { window.__lag.samples = []; window.__lag.on = true; }"); }
                catch (PlaywrightException ex) { Log($"a page does not answer: {ex.Message.Split('\n')[0]}"); }
            }
            string loadBefore = Load();
            double cpu0 = probe.CpuSeconds();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(window));
            double cpu1 = probe.CpuSeconds();
            double seconds = clock.Elapsed.TotalSeconds;
            var paneLags = new List<double>();
            var listLags = new List<double>();
            for (int i = 0; i < open.Count; i++)
            {
                try
                {
                    var s = await open[i].EvaluateAsync<double[]>("() => { window.__lag.on = false; return window.__lag.samples; }");
                    (i == 0 ? listLags : paneLags).AddRange(s);
                }
                catch (PlaywrightException ex) { Log($"page {i}: no samples: {ex.Message.Split('\n')[0]}"); }
            }
            var row = new JsonObject
            {
                ["circuits"] = count, ["panesPerCircuit"] = panes, ["windowSeconds"] = Math.Round(seconds, 1), ["workspacesShortOfPanes"] = Failed,
                ["panesOpen"] = await CountPanesAsync(open),
                ["paneLag"] = Lags(paneLags, seconds), ["taskListLag"] = Lags(listLags, seconds),
                ["stationCpuCores"] = Math.Round((cpu1 - cpu0) / seconds, 2),
                ["before"] = before.ToJson(), ["after"] = after.ToJson(), ["perCircuit"] = after.PerCircuit(before, Math.Max(1, more)),
                ["rssEndMiB"] = MiB(probe.RssBytes()),
                ["loadBefore"] = loadBefore, ["loadAfter"] = Load(),
            };
            fan.Add(row);
            Log($"fan-out {count}: {row.ToJsonString()}");
        }
        figures["fanOut"] = fan;
        await CloseAllAsync(open);
        figures["loadEnd"] = Load();
        figures["endedAt"] = Now();
        Console.WriteLine(figures.ToJsonString());
        return 0;
    }

    private static async Task<int> CountPanesAsync(List<IPage> pages)
    {
        int n = 0;
        foreach (var p in pages)
        {
            try { n += await p.EvaluateAsync<int>("() => document.querySelectorAll('[data-testid^=task-pane-]').length"); }
            catch (PlaywrightException) { }
        }
        return n;
    }

    private static JsonObject Lags(List<double> lags, double seconds)
    {
        lags.Sort();
        double At(double q) => lags.Count == 0 ? double.NaN : lags[Math.Min(lags.Count - 1, (int)Math.Ceiling(q * lags.Count) - 1)];
        return new JsonObject
        {
            ["count"] = lags.Count, ["perSecond"] = Math.Round(lags.Count / seconds, 0),
            ["p50"] = lags.Count == 0 ? null : At(0.50), ["p99"] = lags.Count == 0 ? null : At(0.99), ["max"] = lags.Count == 0 ? null : lags[^1],
        };
    }

    private static async Task SignInAsync(IBrowserContext context, Uri station, string user, string password)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(station, "/login?returnUrl=%2Fblank").ToString());
        await page.GetByTestId("login-username").FillAsync(user);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.GotoAsync("about:blank");
        await page.CloseAsync();
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, Uri station, string path)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(station, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        return page;
    }

    private static async Task<List<IPage>> OpenManyAsync(IBrowserContext context, Uri station, string path, int count)
    {
        var pages = new IPage[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => pages[i] = await OpenAsync(context, station, path));
        Log($"{count} pages on {path} interactive, load {Load()}");
        return [.. pages];
    }

    /// <summary>Pages on / in grid layout, page <c>i</c> with the <paramref name="panes"/> tasks from <c>(first + i) * panes</c> on (wrapping).</summary>
    private static async Task<List<IPage>> OpenWorkspacesAsync(IBrowserContext context, Uri station, IReadOnlyList<long> ids, int count, int panes, int first)
    {
        var pages = new IPage?[count];
        int failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            long[] slice = [.. Enumerable.Range(0, panes).Select(k => ids[((first + i) * panes + k) % ids.Count])];
            try
            {
                var page = await OpenAsync(context, station, "/");
                pages[i] = page;
                await page.EvaluateAsync<int>(OpenPanes, slice);
            }
            catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
            {
                // A station too busy to open a pane in 60 s: counted, and its page (a circuit all the same) measured as it is.
                Interlocked.Increment(ref failed);
                Log($"workspace {first + i}: {ex.Message.Split('\n')[0]}");
            }
        });
        Failed += failed;
        Log($"{count} workspaces of {panes} panes open ({failed} of them short of their panes), load {Load()}");
        return [.. pages.OfType<IPage>()];
    }

    /// <summary>Leaves each page first (the circuit ends at once rather than being kept as a disconnected one), then closes it.</summary>
    private static async Task CloseAllAsync(IEnumerable<IPage> pages)
    {
        await Parallel.ForEachAsync(pages, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (p, _) =>
        {
            try { await p.GotoAsync("about:blank"); }
            catch (PlaywrightException) { }
            await p.CloseAsync();
        });
    }

    /// <summary>The ids of the running tasks once <paramref name="want"/> run (at most 3 minutes).</summary>
    private static async Task<IReadOnlyList<long>> RunningAsync(Uri station, string token, int want)
    {
        using var http = new HttpClient { BaseAddress = station };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        List<long> ids = [];
        while (DateTime.UtcNow < until)
        {
            var list = await http.GetFromJsonAsync<JsonElement>($"/api/v1/tasks?state=running&limit={Math.Max(1000, want)}");
            ids = [.. list.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Order()];
            if (ids.Count >= want) break;
            await Task.Delay(1000);
        }
        if (ids.Count == 0) throw new InvalidOperationException("no task runs at the station");
        return ids;
    }

    internal static long MiB(long bytes) => bytes / 1024 / 1024;
    private static string Now() => DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture);
    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";
    private static void Log(string line) => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");
}

/// <summary>The station's memory at one point: live managed bytes after an induced full GC, then RSS (median of 5 readings).</summary>
public sealed record MemorySnapshot(long Live, long Rss)
{
    public JsonObject ToJson() => new() { ["liveMiB"] = Math.Round(Live / 1048576.0, 1), ["rssMiB"] = PaneBench.MiB(Rss) };

    /// <summary>Growth since <paramref name="from"/> per circuit opened in between, KiB.</summary>
    public JsonObject PerCircuit(MemorySnapshot from, int circuits) =>
        new() { ["liveKiB"] = (Live - from.Live) / 1024 / circuits, ["rssKiB"] = (Rss - from.Rss) / 1024 / circuits };
}

/// <summary>The station's resident memory, live heap and CPU time.</summary>
public sealed class StationProbe(int pid)
{
    public async Task<MemorySnapshot> SnapshotAsync()
    {
        long live = await HeapProbe.LiveBytesAfterFullGcAsync(pid);
        long rss = await SettledRssAsync();
        return new MemorySnapshot(live, rss);
    }

    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    /// <summary>The median of 5 readings a second apart (a GC in between moves one reading, not the figure).</summary>
    public async Task<long> SettledRssAsync()
    {
        var readings = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            readings.Add(RssBytes());
            await Task.Delay(1000);
        }
        readings.Sort();
        return readings[2];
    }

    public double CpuSeconds()
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}
