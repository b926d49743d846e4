using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Store;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Bench;

/// <summary>
/// <c>Ccdsvm.Bench monitor-hub-load [units] [seconds]</c>: starts the real station (Console.Blazor.dll from the
/// Release build, loopback only, its own temporary data directory, no embedded agent), connects
/// <c>units</c> simulated agents to its hub with MessagePack, each enrolled first with its own one-time token
/// (created and redeemed through the REST API, outside the measured time) and connecting with its credential, each announcing once and
/// then sending a summary every 10 s (staggered evenly over the period), and reads the station process's
/// CPU (utime+stime from /proc/&lt;pid&gt;/stat) and memory (VmRSS from /proc/&lt;pid&gt;/status) over the run.
/// Everything it starts is stopped and everything it writes is deleted at the end.
/// </summary>
public static class MonitorHubLoad
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(string[] args)
    {
        int units = args.Length > 1 && int.TryParse(args[1], out var u) ? Math.Clamp(u, 1, 2000) : 1000;
        int seconds = args.Length > 2 && int.TryParse(args[2], out var s) ? Math.Clamp(s, 10, 600) : 60;
        string dll = Environment.GetEnvironmentVariable("CCDSVM_STATION_DLL") ?? StationDll();
        Console.WriteLine($"machine: {Environment.ProcessorCount} CPUs, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1048576} MiB, load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"station: {dll}");

        var dir = Path.Combine(Path.GetTempPath(), "ccdsvm-hub-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string password = "bench-" + Guid.NewGuid().ToString("N");
        int port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        Process? station = null;
        var connections = new List<HubConnection>(units);
        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 300));
        try
        {
            station = StartStation(dll, url, password, dir);
            await WaitHealthyAsync(url, station, overall.Token);
            var credentials = await EnrolAsync(url, password, units, overall.Token);
            GC.Collect();
            var idle = Read(station.Id);
            await Task.Delay(TimeSpan.FromSeconds(5), overall.Token);
            var idleEnd = Read(station.Id);
            Console.WriteLine($"station idle 5 s: {Percent(idle, idleEnd):0.00} % of one CPU, RSS {idleEnd.RssKb / 1024} MiB");

            // Connect and announce, 50 at a time, as agents coming up after a station restart would.
            var connect = Stopwatch.StartNew();
            var before = Read(station.Id);
            long benchTicks = SelfTicks();
            using var gate = new SemaphoreSlim(50);
            var failures = 0;
            var started = Enumerable.Range(0, units).Select(async i =>
            {
                await gate.WaitAsync(overall.Token);
                try
                {
                    var c = await ConnectAsync(url, credentials[i], Name(i), overall.Token);
                    lock (connections) connections.Add(c);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !overall.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref failures) <= 3) Console.WriteLine($"connect {Name(i)} failed: {ex.Message}");
                }
                finally { gate.Release(); }
            });
            await Task.WhenAll(started);
            var afterConnect = Read(station.Id);
            Console.WriteLine($"connected and announced {connections.Count} of {units} units in {connect.Elapsed.TotalSeconds:0.0} s ({failures} failed): "
                + $"station {afterConnect.Ticks - before.Ticks} ticks ({Percent(before, afterConnect):0} % of one CPU over that time), RSS {afterConnect.RssKb / 1024} MiB; "
                + $"load generator {(SelfTicks() - benchTicks) / 100.0:0.0} CPU s");

            // Steady state: every 100 ms a hundredth of the units report, so each unit reports every 10 s.
            var ordered = connections.OrderBy(c => c.ConnectionId, StringComparer.Ordinal).ToArray();
            var rnd = new Random(1);
            FileSystemFigures[] fs = [new("/", "/dev/vda", "ext4", 100L << 30, 40L << 30, 60L << 30), new("/srv", "/dev/vdb", "xfs", 500L << 30, 450L << 30, 50L << 30)];
            const int slots = 100;
            long sent = 0, sendFailures = 0;
            var rss = new List<long>();
            GC.Collect();
            var steady = Read(station.Id);
            benchTicks = SelfTicks();
            var clock = Stopwatch.StartNew();
            using var timer = new PeriodicTimer(Period / slots);
            for (long tick = 0; clock.Elapsed.TotalSeconds < seconds && await timer.WaitForNextTickAsync(overall.Token); tick++)
            {
                int slot = (int)(tick % slots);
                for (int i = slot; i < ordered.Length; i += slots)
                {
                    var summary = new MetricsSummary(DateTimeOffset.UtcNow, rnd.NextDouble() * 100, 400L << 20, 1L << 30,
                        rnd.Next(100_000), rnd.Next(100_000), rnd.Next(1_000_000), rnd.Next(1_000_000), 0.5, fs);
                    try
                    {
                        await ordered[i].SendAsync(nameof(IAgentHub.ReportSummary), summary, overall.Token);
                        sent++;
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or IOException)
                    {
                        sendFailures++;
                    }
                }
                if (slot == 0) rss.Add(Read(station.Id).RssKb);
            }
            var end = Read(station.Id);
            double elapsed = clock.Elapsed.TotalSeconds;
            double benchCpu = (SelfTicks() - benchTicks) / 100.0 / elapsed * 100;
            int open = ordered.Count(c => c.State == HubConnectionState.Connected);
            Console.WriteLine($"station receiving summaries over the hub, {ordered.Length} units, one every 10 s each, {elapsed:0} s: "
                + $"{sent} summaries sent ({sent / elapsed:0} /s, {sendFailures} failed), {open} connections still open at the end");
            Console.WriteLine($"  station CPU {Percent(steady, end):0.00} % of one CPU; RSS start {steady.RssKb / 1024} MiB, max {rss.DefaultIfEmpty(end.RssKb).Max() / 1024} MiB, end {end.RssKb / 1024} MiB");
            Console.WriteLine($"  load generator (same box) {benchCpu:0.00} % of one CPU, working set {Environment.WorkingSet / 1048576} MiB");

            foreach (var c in connections) await c.DisposeAsync();
            connections.Clear();
            await StopAsync(station);
            var db = new StationDb(Path.Combine(dir, "data", "station.db"));
            if (File.Exists(Path.Combine(dir, "data", "station.db")))
                Console.WriteLine($"  history after a graceful stop: {new MetricsStore(db).Count(MetricsStep.Raw)} raw points stored");
        }
        finally
        {
            foreach (var c in connections)
            {
                try { await c.DisposeAsync(); } catch (Exception ex) when (ex is IOException or InvalidOperationException) { }
            }
            if (station is not null)
            {
                if (!station.HasExited) station.Kill(entireProcessTree: true);
                await station.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                station.Dispose();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static string Name(int i) => $"sim-{i:0000}";

    /// <summary>One token per simulated unit, created as admin and redeemed as the agent would; returns the credentials by index.</summary>
    private static async Task<string[]> EnrolAsync(Uri url, string password, int units, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var signIn = await http.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password }, ct);
        signIn.EnsureSuccessStatusCode();
        string token = (await signIn.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString()!;
        var credentials = new string[units];
        for (int i = 0; i < units; i++)
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/enrolments") { Content = JsonContent.Create(new { note = "bench" }) };
            create.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var created = await http.SendAsync(create, ct);
            created.EnsureSuccessStatusCode();
            string enrol = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString()!;
            using var redeemed = await http.PostAsJsonAsync(EnrolmentRoutes.Redeem, new RedeemEnrolment(enrol, Name(i)), ct);
            redeemed.EnsureSuccessStatusCode();
            credentials[i] = (await redeemed.Content.ReadFromJsonAsync<EnrolmentGrant>(ct))!.Credential;
        }
        return credentials;
    }

    private static async Task<HubConnection> ConnectAsync(Uri url, string credential, string name, CancellationToken ct)
    {
        var c = new HubConnectionBuilder()
            .WithUrl(new Uri(url, HubPaths.Agent), http =>
            {
                http.Headers[HubPaths.AgentCredentialHeader] = credential;
                http.Headers[HubPaths.AgentNameHeader] = name;
            })
            .AddMessagePackProtocol()
            .Build();
        // As the agent: the station answers keep-alives, so they are part of the load.
        c.ServerTimeout = TimeSpan.FromSeconds(30);
        c.KeepAliveInterval = TimeSpan.FromSeconds(10);
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TimeSpan.FromSeconds(60));
            await c.StartAsync(bounded.Token);
            var inventory = new UnitInventory(name, name, name, "Debian GNU/Linux 12", "6.1.0-bench", 2, 2L << 30, [], [], ["/srv"], "bench", null);
            await c.InvokeAsync(nameof(IAgentHub.Announce), inventory, Array.Empty<RunningTaskInfo>(), bounded.Token);
            return c;
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
    }

    private static Process StartStation(string dll, Uri url, string password, string dir)
    {
        var psi = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        psi.Environment["Station__AllowInsecureHttp"] = "true";
        psi.Environment["Station__DataDirectory"] = Path.Combine(dir, "data");
        psi.Environment["Station__EmbeddedAgent"] = "false";
        psi.Environment["CCDSVM_ADMIN_PASSWORD"] = password;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the station");
        // Drain the station's output so it never blocks on a full pipe; nothing here needs it.
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine("station: " + line); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task WaitHealthyAsync(Uri url, Process station, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (station.HasExited) throw new InvalidOperationException($"the station exited with {station.ExitCode}");
            try
            {
                using var r = await http.GetAsync("/healthz", ct);
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException("the station did not answer /healthz within 60 s");
    }

    /// <summary>SIGTERM, so the station flushes its pending history; killed after 20 s.</summary>
    private static async Task StopAsync(Process station)
    {
        using (var kill = Process.Start("kill", ["-TERM", station.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        try { await station.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)); }
        catch (TimeoutException) { station.Kill(entireProcessTree: true); }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string StationDll()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Ccdsvm.sln"))) d = d.Parent;
        if (d is null) throw new InvalidOperationException("run from inside the repository, or set CCDSVM_STATION_DLL");
        var dll = Path.Combine(d.FullName, "Console.Blazor", "bin", "Release", "net10.0", "Console.Blazor.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} not found: dotnet build Console.Blazor -c Release");
    }

    private readonly record struct Figures(long Ticks, long RssKb, long At);

    private static Figures Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return new Figures(ticks, rss, Stopwatch.GetTimestamp());
    }

    private static double Percent(Figures a, Figures b) =>
        (b.Ticks - a.Ticks) / 100.0 / Stopwatch.GetElapsedTime(a.At, b.At).TotalSeconds * 100;

    private static long SelfTicks()
    {
        var f = File.ReadAllText("/proc/self/stat");
        var fields = f[(f.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
